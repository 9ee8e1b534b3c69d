// A minimal /openapi/v2: one path per resource whose PATCH operation carries the
// x-kubernetes-group-version-kind extension and the dryRun query parameter. That is what kubectl
// (1.13-1.26) reads to decide whether the server supports `--dry-run=server` (kubectl
// pkg/util/openapi SupportsDryRun). No definitions: kubectl then skips schema validation and
// builds patches from its compiled-in types. Encoded as gnostic's openapi_v2.Document protobuf
// (google/gnostic openapiv2/OpenAPIv2.proto field numbers), the form kubectl requests.
import type { ResourceDef } from './resources.js';

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A length-delimited field (strings and messages). */
function ld(field: number, payload: Buffer | string): Buffer {
  const b = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([varint((field << 3) | 2), varint(b.length), b]);
}

const cat = (...b: Buffer[]): Buffer => Buffer.concat(b);

interface PathSpec {
  path: string;
  group: string;
  version: string;
  kind: string;
}

function paths(defs: readonly ResourceDef[]): PathSpec[] {
  const out: PathSpec[] = [];
  for (const d of defs) {
    for (const v of d.versions) {
      const root = d.group ? `/apis/${d.group}/${v}` : `/api/${v}`;
      const p = d.namespaced ? `${root}/namespaces/{namespace}/${d.plural}/{name}` : `${root}/${d.plural}/{name}`;
      out.push({ path: p, group: d.group, version: v, kind: d.kind });
    }
  }
  return out;
}

export function openApiProto(defs: readonly ResourceDef[]): Buffer {
  const pathItems = paths(defs).map((p) => {
    const gvkYaml = `group: "${p.group}"\nkind: ${p.kind}\nversion: ${p.version}\n`;
    // Operation.parameters(8) → ParametersItem.parameter(1) → Parameter.non_body_parameter(2)
    //   → NonBodyParameter.query_parameter_sub_schema(3) → {in(2), name(4), type(6)}
    const dryRun = ld(8, ld(1, ld(2, ld(3, cat(ld(2, 'query'), ld(4, 'dryRun'), ld(6, 'string'))))));
    // Operation.vendor_extension(13) → NamedAny{name(1), value(2): Any{yaml(2)}}
    const ext = ld(13, cat(ld(1, 'x-kubernetes-group-version-kind'), ld(2, ld(2, gvkYaml))));
    const operation = cat(ld(5, `patch${p.kind}`), dryRun, ext);
    // Paths.path(2) → NamedPathItem{name(1), value(2): PathItem{patch(8)}}
    return ld(2, cat(ld(1, p.path), ld(2, ld(8, operation))));
  });
  // Document{swagger(1), info(2){title(1), version(2)}, paths(8)}
  return cat(ld(1, '2.0'), ld(2, cat(ld(1, 'Kubernetes'), ld(2, 'v0.0.0'))), ld(8, cat(...pathItems)));
}

export function openApiJson(defs: readonly ResourceDef[]): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const x of paths(defs)) {
    p[x.path] = {
      patch: {
        operationId: `patch${x.kind}`,
        parameters: [{ in: 'query', name: 'dryRun', type: 'string', uniqueItems: true }],
        'x-kubernetes-group-version-kind': { group: x.group, kind: x.kind, version: x.version },
      },
    };
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v0.0.0' }, paths: p };
}

export const PROTO_OPENAPI = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
