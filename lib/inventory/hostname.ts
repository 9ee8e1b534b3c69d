// Inventory host names become path components on the controller (fetch's dest/<host>/..., the
// lab's hosts/<name>/), so a name must not be able to leave the directory it is joined onto.

/** Why `name` cannot be a host name, or undefined when it can. */
export function hostNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('/')) return "contains '/'";
  if (name.includes('..')) return "contains '..'";
  return undefined;
}

/** The fix to print with hostNameProblem()'s answer. */
export const HOST_NAME_FIX = "host names are used as directory names on the controller (fetch's dest/<host>/): use letters, digits, '.', '-' and '_', and put the address in ansible_host";
