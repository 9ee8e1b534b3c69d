// YAML as Go's sigs.k8s.io/yaml writes it: sequences not indented under their key.
import { stringify } from 'yaml';

export function toYaml(v: unknown): string {
  return stringify(v, { indentSeq: false, lineWidth: 0 });
}
