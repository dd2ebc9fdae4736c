import * as k8s from '@kubernetes/client-node';

/**
 * An offline structural lint: every field of a manifest must exist, with the right JSON type, in the Kubernetes API
 * model that client-node generates from the OpenAPI spec (its `attributeTypeMap`). Catches typos such as `hostPid`
 * or `nodeport`, a string where a list belongs, a field at the wrong level.
 */

interface Attribute {
  baseName: string;
  type: string;
}
type Model = { getAttributeTypeMap(): Attribute[] };

const models = k8s as unknown as Record<string, Model | undefined>;

/** kind + apiVersion → model class name, for the kinds deploy/ ships. */
const modelOf: Record<string, string> = {
  'v1/Namespace': 'V1Namespace',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Service': 'V1Service',
  'apps/v1/Deployment': 'V1Deployment',
  'apps/v1/DaemonSet': 'V1DaemonSet',
  'batch/v1/Job': 'V1Job',
  'batch/v1/CronJob': 'V1CronJob',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'V1ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
};

export function lintObject(object: { apiVersion: string; kind: string }): string[] {
  const model = modelOf[`${object.apiVersion}/${object.kind}`];
  if (!model) return [`${object.apiVersion} ${object.kind}: not a kind deploy/ is expected to ship`];
  const problems: string[] = [];
  check(object, model, object.kind, problems);
  return problems;
}

function check(value: unknown, type: string, path: string, problems: string[]): void {
  const array = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return void problems.push(`${path}: expected a list, got ${JSON.stringify(value)}`);
    value.forEach((item, i) => check(item, array[1] as string, `${path}[${i}]`, problems));
  } else if (map) {
    if (!isObject(value)) return void problems.push(`${path}: expected a map, got ${JSON.stringify(value)}`);
    for (const [k, v] of Object.entries(value)) check(v, map[1] as string, `${path}.${k}`, problems);
  } else if (type === 'string' || type === 'Date') {
    if (typeof value !== 'string') problems.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
  } else if (type === 'number') {
    if (typeof value !== 'number') problems.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') problems.push(`${path}: expected true or false, got ${JSON.stringify(value)}`);
  } else if (type === 'IntOrString') {
    if (typeof value !== 'string' && !Number.isInteger(value)) problems.push(`${path}: expected a number or a name, got ${JSON.stringify(value)}`);
  } else if (type === 'any' || type === 'object') {
    // free-form
  } else {
    const model = models[type];
    if (!model?.getAttributeTypeMap) return void problems.push(`${path}: no model ${type} in client-node`);
    if (!isObject(value)) return void problems.push(`${path}: expected an object (${type}), got ${JSON.stringify(value)}`);
    const attributes = model.getAttributeTypeMap();
    for (const [key, v] of Object.entries(value)) {
      const attribute = attributes.find((a) => a.baseName === key);
      if (!attribute) problems.push(`${path}.${key}: unknown field of ${type}`);
      else check(v, attribute.type, `${path}.${key}`, problems);
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
