// Every failure the lab can explain to a user is a LabError: the CLI prints its message as is,
// without a stack trace.
import { UserError } from '../util/errors.js';
export class LabError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}
