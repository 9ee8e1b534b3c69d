// Where kubeadm's lines go: progress to stdout, warnings and errors to stderr.
export interface Out {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Out = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};
