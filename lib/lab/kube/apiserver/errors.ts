// Status replies with the reasons and messages of the real apiserver (k8s.io/apimachinery
// pkg/api/errors): clients such as kubectl match on `reason` and print `message`.
import type { Status } from '../common/client.js';

export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message ?? '');
    this.status = status;
  }
  get code(): number {
    return this.status.code ?? 500;
  }
}

export interface Qualified {
  /** `pods`, `nodes`, `deployments.apps` is built from group + resource */
  resource: string;
  group: string;
}

function qualified(q: Qualified): string {
  return q.group ? `${q.resource}.${q.group}` : q.resource;
}

function status(code: number, reason: string, message: string, details?: Status['details']): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}

export const notFound = (q: Qualified, name: string): StatusError =>
  status(404, 'NotFound', `${qualified(q)} "${name}" not found`, { name, group: q.group || undefined, kind: q.resource });

export const alreadyExists = (q: Qualified, name: string): StatusError =>
  status(409, 'AlreadyExists', `${qualified(q)} "${name}" already exists`, { name, group: q.group || undefined, kind: q.resource });

export const OPTIMISTIC_LOCK_MSG = 'the object has been modified; please apply your changes to the latest version and try again';

export const conflict = (q: Qualified, name: string, msg = OPTIMISTIC_LOCK_MSG): StatusError =>
  status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(q)} "${name}": ${msg}`, { name, group: q.group || undefined, kind: q.resource });

export interface Cause {
  /** StatusCause.Type: `FieldValueInvalid`, `DisruptionBudget`... (JSON `reason`) */
  reason: string;
  message: string;
  field?: string;
}

export const invalid = (kind: string, name: string, causes: Cause[], group = ''): StatusError =>
  status(422, 'Invalid', `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ')}`, {
    name,
    group: group || undefined,
    kind,
    causes,
  });

export const badRequest = (message: string): StatusError => status(400, 'BadRequest', message);

/** The authorizer's refusal: `pods "x" is forbidden: User "u" cannot create resource "pods/eviction" in API group "" in the namespace "ns"`. */
export const forbidden = (user: string, verb: string, q: Qualified, name: string, namespace: string | undefined, subresource?: string): StatusError => {
  const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  const res = `${qualified(q)}${name ? ` "${name}"` : ''}`;
  const full = subresource ? `${q.resource}/${subresource}` : q.resource;
  return status(403, 'Forbidden', `${res} is forbidden: User "${user}" cannot ${verb} resource "${full}" in API group "${q.group}"${scope}`, {
    name: name || undefined,
    group: q.group || undefined,
    kind: q.resource,
  });
};

export const forbiddenPath = (user: string, verb: string, path: string): StatusError =>
  status(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`);

export const unauthorized = (): StatusError => status(401, 'Unauthorized', 'Unauthorized');

export const methodNotAllowed = (): StatusError => status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const notFoundPath = (): StatusError => status(404, 'NotFound', 'the server could not find the requested resource');

export const unsupportedMediaType = (ct: string): StatusError => status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${ct})`);

export const tooManyRequests = (message: string, causes: Cause[] = [], retryAfterSeconds?: number): StatusError =>
  status(429, 'TooManyRequests', message, { causes, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });

export const internal = (message: string): StatusError => status(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });

export const gone = (message: string): StatusError => status(410, 'Expired', message);

export const success = (details?: Status['details']): Status => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) });
