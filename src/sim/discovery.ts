import { resourceTable, type VersionFilter } from './resources.js';

/** Minimal discovery and non-resource endpoints: /version, /api, /apis, /api/v1, /apis/G/V, /healthz. */
export function versionFilter(gitVersion: string): VersionFilter {
  const minor = Number(/^v?\d+\.(\d+)/.exec(gitVersion)?.[1] ?? 99);
  return (group, version) => !((group === 'policy' || group === 'discovery.k8s.io') && version === 'v1' && minor < 21);
}

export function versionInfo(gitVersion: string): Record<string, string> {
  const [, major = '1', minor = '0'] = /^v?(\d+)\.(\d+)/.exec(gitVersion) ?? [];
  return {
    major,
    minor,
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.19.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** The body for a non-resource or discovery path, or undefined when the path is not one. */
export function discovery(path: string, gitVersion: string): unknown {
  const serves = versionFilter(gitVersion);
  const trimmed = path.replace(/\/+$/, '') || '/';
  if (trimmed === '/version') return versionInfo(gitVersion);
  if (trimmed === '/healthz' || trimmed === '/readyz' || trimmed === '/livez') return 'ok';
  if (trimmed === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  if (trimmed === '/apis') {
    const groups = [...new Set(resourceTable.map((r) => r.group).filter(Boolean))].map((name) => {
      const versions = [...new Set(resourceTable.filter((r) => r.group === name).flatMap((r) => r.versions))]
        .filter((v) => serves(name, v))
        .map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions, preferredVersion: versions[0] };
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(trimmed);
  if (!match) return undefined;
  const group = match[2] ?? '';
  const version = match[1] ?? match[3] ?? '';
  if (!serves(group, version)) return undefined;
  const resources = resourceTable.filter((r) => r.group === group && r.versions.includes(version));
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: resources.flatMap((r) => [
      { name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
      ...r.subresources.map((sub) => ({ name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, kind: sub === 'eviction' ? 'Eviction' : r.kind, verbs: sub === 'eviction' ? ['create'] : ['get', 'patch', 'update'] })),
    ]),
  };
}
