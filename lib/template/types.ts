export type Vars = Record<string, unknown>;

export interface RenderOptions {
  /** where the text came from, for errors: a file path or e.g. "task 'render' arg dest" */
  name: string;
  host?: string;
  /**
   * Ansible's convert_data: a rendered string that spells a Python list, dict or boolean
   * becomes that value (ansible_eval_concat). On for variables' values (lazy.ts).
   */
  literal?: boolean;
}
