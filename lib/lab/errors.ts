// Every failure the lab can explain to a user is a LabError: the CLI prints its message as is,
// without a stack trace.
export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}
