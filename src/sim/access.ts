import { HttpError } from './status.js';

/** RBAC-lite: everything is allowed except the (verb, resource, namespace) triples listed here. */
export interface ForbiddenRule {
  /** `delete`, `list`, `create`, … or `*`. */
  verb: string;
  /** Plural resource, with subresource for those: `pods`, `pods/eviction`, `deployments`, or `*`. */
  resource: string;
  /** Only in this namespace; any namespace (and cluster scope) when omitted. */
  namespace?: string;
}

export interface AccessRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
}

export class AccessControl {
  private rules: ForbiddenRule[];

  constructor(
    readonly user: string,
    rules: readonly ForbiddenRule[] = [],
  ) {
    this.rules = [...rules];
  }

  forbid(rule: ForbiddenRule): void {
    this.rules.push(rule);
  }

  allowAll(): void {
    this.rules = [];
  }

  allows(req: AccessRequest): boolean {
    const resource = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
    return !this.rules.some(
      (r) =>
        (r.verb === '*' || r.verb === req.verb) &&
        (r.resource === '*' || r.resource === resource) &&
        (r.namespace === undefined || r.namespace === req.namespace),
    );
  }

  /** Throws the 403 the real server sends, e.g. `pods "x" is forbidden: User "u" cannot delete resource "pods" …`. */
  check(req: AccessRequest): void {
    if (this.allows(req)) return;
    const resource = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
    const what = `${req.resource}${req.group ? `.${req.group}` : ''}${req.name ? ` "${req.name}"` : ''}`;
    const scope = req.namespace ? `in the namespace "${req.namespace}"` : 'at the cluster scope';
    const message = `${what} is forbidden: User "${this.user}" cannot ${req.verb} resource "${resource}" in API group "${req.group}" ${scope}`;
    throw new HttpError(403, 'Forbidden', message, {
      ...(req.name ? { name: req.name } : {}),
      ...(req.group ? { group: req.group } : {}),
      kind: req.resource,
    });
  }
}
