/**
 * An error the user caused and can fix (bad input, bad inventory, a template problem): the CLI
 * prints its message alone, never a stack. Known by class, not by name, so bundling (which may
 * rename classes) cannot turn one into an "internal error".
 */
export class UserError extends Error {}
