// The join command kubeadm prints (cmd/kubeadm/app/cmd/util/join.go): one line per flag joined by
// ` \` and a tab; `token create --print-join-command` prints it on one line.
export interface JoinCommandSpec {
  hostPort: string;
  token: string;
  caHashes: string[];
  controlPlane: boolean;
  certificateKey?: string;
}

export function joinCommand(s: JoinCommandSpec): string {
  let t = `kubeadm join ${s.hostPort} --token ${s.token} \\\n\t${s.caHashes.map((h) => `--discovery-token-ca-cert-hash ${h} `).join('')}`;
  if (s.controlPlane) t += `\\\n\t--control-plane ${s.certificateKey ? `--certificate-key ${s.certificateKey}` : ''}`;
  return t;
}

export function oneLine(cmd: string): string {
  return cmd.replace(/\\\n/g, '').replace(/\t/g, '');
}
