import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { HelmRenderError, renderHelmChart } from '@commander/gotemplate/helm';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

const CHART_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helm/commander');

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
};

/** The chart's files by path relative to its root (what `helm package` would include). */
function readChart(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'ci') walk(full);
      } else {
        files.set(
          path.relative(CHART_DIR, full).split(path.sep).join('/'),
          readFileSync(full, 'utf8'),
        );
      }
    }
  };
  walk(CHART_DIR);
  return files;
}

const chart = readChart();
const schema = JSON.parse(chart.get('values.schema.json')!) as object;
const validateValues = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** `helm template` with the chart's values.schema.json checked first, as Helm does. */
function template(values: Record<string, unknown>) {
  const { manifests, notes } = renderHelmChart(chart, {
    values,
    release: { name: 'commander', namespace: 'd8-commander' },
  });
  const objects: K8sObject[] = [];
  for (const [file, text] of manifests) {
    for (const doc of parseAllDocuments(text)) {
      expect(doc.errors, `${file}: ${doc.errors.join('; ')}`).toEqual([]);
      const obj = doc.toJS() as K8sObject | null;
      if (obj !== null) objects.push(obj);
    }
  }
  return { objects, notes: notes ?? '' };
}

// Every kind the chart renders, with the class that validates it against the Kubernetes
// OpenAPI schema (kubernetes-models) or the CRD's schema (prometheus-operator models).
const MODELS: Record<string, new (data: never) => { validate: () => void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** CloudNativePG's Cluster: no published models; the fields the chart relies on. */
function validateCnpgCluster(obj: K8sObject): void {
  const spec = obj.spec as {
    instances?: unknown;
    storage?: { size?: unknown };
    bootstrap?: { initdb?: { database?: unknown; owner?: unknown } };
  };
  expect(Number.isInteger(spec.instances) && (spec.instances as number) >= 1).toBe(true);
  expect(typeof spec.storage?.size).toBe('string');
  expect(spec.bootstrap?.initdb?.database).toBe('commander');
  expect(spec.bootstrap?.initdb?.owner).toBe('commander');
}

function validateObject(obj: K8sObject): void {
  const key = `${obj.apiVersion}/${obj.kind}`;
  expect(obj.metadata?.name, key).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  if (key === 'postgresql.cnpg.io/v1/Cluster') {
    validateCnpgCluster(obj);
    return;
  }
  const Model = MODELS[key];
  expect(Model, `no schema for ${key}`).toBeDefined();
  const model = new Model!(obj as never);
  try {
    model.validate();
  } catch (error) {
    throw new Error(`${key} ${obj.metadata.name} is invalid: ${(error as Error).message}`);
  }
}

type PodSpec = {
  containers: {
    name: string;
    env?: { name: string; value?: string; valueFrom?: unknown }[];
    securityContext?: Record<string, unknown>;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  }[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
};

function podSpec(obj: K8sObject): PodSpec | null {
  if (obj.kind !== 'Deployment' && obj.kind !== 'Job') return null;
  return (obj.spec as { template: { spec: PodSpec } }).template.spec;
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
  expect(obj, `${kind} ${name}`).toBeDefined();
  return obj!;
}

function env(obj: K8sObject, container: string, name: string) {
  return podSpec(obj)!
    .containers.find((c) => c.name === container)!
    .env?.find((e) => e.name === name);
}

const ciFiles = readdirSync(path.join(CHART_DIR, 'ci')).filter((f) => f.endsWith('.yaml'));

describe('Helm chart deploy/helm/commander', () => {
  it('has a values file per scenario in ci/', () => {
    expect(ciFiles.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(ciFiles)('values %s', (file) => {
    const values = parseYaml(readFileSync(path.join(CHART_DIR, 'ci', file), 'utf8')) as Record<
      string,
      unknown
    >;

    it('passes values.schema.json and renders objects that validate', () => {
      expect(validateValues(values), JSON.stringify(validateValues.errors)).toBe(true);
      const { objects, notes } = template(values);
      expect(objects.length).toBeGreaterThan(3);
      for (const obj of objects) validateObject(obj);
      // Names are unique per kind.
      const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(notes).toContain('BACK UP THE ENCRYPTION KEYS');
      expect(notes).not.toContain('<no value>');
    });

    it('runs every pod non-root, read-only, without privilege escalation, with resources', () => {
      const { objects } = template(values);
      for (const obj of objects) {
        const spec = podSpec(obj);
        if (!spec) continue;
        expect(spec.securityContext?.runAsNonRoot, obj.metadata.name).toBe(true);
        for (const c of spec.containers) {
          expect(c.securityContext, `${obj.metadata.name}/${c.name}`).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          expect(c.resources?.requests?.memory, `${obj.metadata.name}/${c.name}`).toBeDefined();
        }
      }
    });

    it('wires the keys, the database and the dhctl servers into the processes', () => {
      const { objects } = template(values);
      const api = find(objects, 'Deployment', 'commander-api');
      const manager = find(objects, 'Deployment', 'commander-manager');
      const keysSecret = (values.encryption as { existingSecret?: string }).existingSecret;
      for (const d of [api, manager]) {
        expect(
          env(d, d === api ? 'api' : 'manager', 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY'),
        ).toEqual({
          name: 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
          valueFrom: {
            secretKeyRef: {
              name: keysSecret || 'commander-envs',
              key: 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
            },
          },
        });
        const db = env(d, d === api ? 'api' : 'manager', 'DATABASE_URL')!.valueFrom as {
          secretKeyRef: { name: string; key: string };
        };
        const database = values.database as {
          existingSecret?: string;
          existingSecretKey?: string;
          cloudnativepg?: { enabled?: boolean };
        };
        if (database.existingSecret) {
          expect(db.secretKeyRef).toEqual({
            name: database.existingSecret,
            key: database.existingSecretKey ?? 'url',
          });
        } else if (database.cloudnativepg?.enabled) {
          expect(db.secretKeyRef).toEqual({ name: 'commander-db-app', key: 'uri' });
          find(objects, 'Cluster', 'commander-db');
        } else {
          expect(db.secretKeyRef).toEqual({ name: 'commander-database', key: 'url' });
          const secret = find(objects, 'Secret', 'commander-database');
          expect((secret.stringData as { url: string }).url).toBe(
            (values.database as { url: string }).url,
          );
        }
      }
      if (!keysSecret) {
        const envs = find(objects, 'Secret', 'commander-envs');
        expect(Object.keys(envs.stringData as object).sort()).toEqual([
          'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
          'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
          'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
        ]);
        expect(envs.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
      } else {
        expect(
          objects.some((o) => o.kind === 'Secret' && o.metadata.name === 'commander-envs'),
        ).toBe(false);
      }
      // DHCTL_SERVERS names one Service per DKP version (and a default), each served.
      const servers = JSON.parse(env(manager, 'manager', 'DHCTL_SERVERS')!.value!) as Record<
        string,
        string
      >;
      const listed = ((values.dhctl as { servers?: { version: string | number }[] } | undefined)
        ?.servers ?? []) as { version: string | number }[];
      for (const s of listed) expect(servers[String(s.version)]).toBeDefined();
      if (listed.length > 0) expect(servers.default).toBe(servers[String(listed[0]!.version)]);
      for (const address of Object.values(servers)) {
        const [service, port] = address.split(':');
        const svc = find(objects, 'Service', service!);
        expect((svc.spec as { ports: { port: number }[] }).ports[0]!.port).toBe(Number(port));
        const selector = (svc.spec as { selector: Record<string, string> }).selector;
        const backing = objects.filter(
          (o) =>
            o.kind === 'Deployment' &&
            Object.entries(selector).every(
              ([k, v]) =>
                (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template
                  .metadata.labels[k] === v,
            ),
        );
        expect(backing, address).toHaveLength(1);
      }
      // The manager's grace period outlasts its own shutdown grace.
      const grace = podSpec(manager)!.terminationGracePeriodSeconds!;
      expect(grace * 1000).toBeGreaterThan(
        Number(env(manager, 'manager', 'MANAGER_SHUTDOWN_GRACE_MS')!.value),
      );
    });
  });

  it('probes the API on /readyz and /healthz, the managers on their metrics port', () => {
    const values = parseYaml(readFileSync(path.join(CHART_DIR, 'ci/full-values.yaml'), 'utf8'));
    const { objects } = template(values as Record<string, unknown>);
    const api = find(objects, 'Deployment', 'commander-api');
    const container = (
      api.spec as { template: { spec: { containers: Record<string, unknown>[] } } }
    ).template.spec.containers[0]!;
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' } });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'commander-api');
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    const job = find(objects, 'Job', 'commander-migrate');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const ingress = find(objects, 'Ingress', 'commander');
    expect(ingress.spec).toMatchObject({
      tls: [{ hosts: ['commander.example.com'], secretName: 'commander-tls' }],
    });
    const dashboard = find(objects, 'ConfigMap', 'commander-dashboard');
    const json = JSON.parse((dashboard.data as Record<string, string>)['commander.json']!) as {
      panels: unknown[];
    };
    expect(json.panels.length).toBeGreaterThan(5);
    const monitor = find(objects, 'ServiceMonitor', 'commander');
    expect((monitor.spec as { endpoints: unknown[] }).endpoints).toHaveLength(2);
  });

  it.each([
    [
      'no encryption keys',
      { database: { url: 'postgresql://db/commander' } },
      'encryption keys are required',
    ],
    [
      'only part of the keys',
      { encryption: { primaryKey: 'a' }, database: { url: 'postgresql://db/commander' } },
      'encryption keys are required',
    ],
    ['no database', { encryption: { existingSecret: 'keys' } }, 'a database is required'],
    [
      'a short metrics token',
      {
        encryption: { existingSecret: 'keys' },
        database: { url: 'postgresql://db/c' },
        metrics: { token: 'short' },
      },
      'metrics.token must be at least 32 characters',
    ],
    [
      'a dhctl server without an image',
      {
        encryption: { existingSecret: 'keys' },
        database: { url: 'postgresql://db/c' },
        dhctl: { servers: [{ version: '1.69' }] },
      },
      'dhctl.servers[].image is required',
    ],
  ])('refuses %s with the chart’s own message', (_what, values, message) => {
    expect(() => template(values)).toThrow(HelmRenderError);
    expect(() => template(values)).toThrow(message);
  });

  it('values.schema.json refuses unknown keys and wrong types', () => {
    expect(validateValues({ api: { replicas: 'two' } })).toBe(false);
    expect(validateValues({ unknownKey: true })).toBe(false);
    expect(validateValues({ database: { url: 'mysql://x' } })).toBe(false);
    // An unquoted 1.70 is the number 1.7 in YAML: refused rather than served as "1.7".
    expect(validateValues({ dhctl: { servers: [{ version: 1.7, image: 'x' }] } })).toBe(false);
  });
});
