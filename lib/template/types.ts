export type Vars = Record<string, unknown>;

export interface RenderOptions {
  /** where the text came from, for errors: a file path or e.g. "task 'render' arg dest" */
  name: string;
  host?: string;
}
