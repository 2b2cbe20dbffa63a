import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { parse, parseAllDocuments } from 'yaml';
import { configVariables, loadConfig, startupFacts } from '../../config.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** The deployment files are checked against the service they deploy, not only for syntax. */

// Parsed YAML: its shape is what these tests assert.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;
type Manifest = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: Yaml;
};

async function manifests(): Promise<Manifest[]> {
  const files = (await readdir('deploy/k8s')).filter((file) => file.endsWith('.yaml'));
  const documents = await Promise.all(
    files.map(async (file) => parseAllDocuments(await readFile(`deploy/k8s/${file}`, 'utf8'))),
  );
  return documents.flat().map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.map(String).join('\n'));
    return document.toJS() as Manifest;
  });
}

const byKind = (all: Manifest[], kind: string) => {
  const found = all.filter((manifest) => manifest.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Manifest;
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('probe endpoints that exist and answer 200 on a healthy node, on the port the container listens on', async () => {
    const all = await manifests();
    const deployment = byKind(all, 'Deployment');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    const port = container.ports.find((entry: { name: string }) => entry.name === 'http');
    const configMap = byKind(all, 'ConfigMap');
    expect(String(port.containerPort)).toBe(configMap.data.PORT);

    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const { path, port: probePort } = container[probe].httpGet;
      expect(probePort).toBe('http');
      expect((await t.call({ method: 'GET', url: path })).statusCode).toBe(200);
    }
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
  });

  it('give the graceful shutdown more time than it may take, run as non-root, and set resources', async () => {
    const all = await manifests();
    const pod = byKind(all, 'Deployment').spec.template.spec;
    const [container] = pod.containers;
    const shutdownMs = loadConfig(
      { ...byKind(all, 'ConfigMap').data, JWT_SECRET: 'x'.repeat(32) },
      startupFacts(),
    ).shutdownTimeoutMs;
    const preStopSeconds = container.lifecycle.preStop.sleep.seconds;
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(shutdownMs + preStopSeconds * 1000);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
  });

  it('wire the Service, autoscaler and disruption budget to the Deployment, and set only known variables', async () => {
    const all = await manifests();
    const deployment = byKind(all, 'Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    const service = byKind(all, 'Service');
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe('http');
    expect(podLabels).toMatchObject(byKind(all, 'PodDisruptionBudget').spec.selector.matchLabels);
    const hpa = byKind(all, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    expect(byKind(all, 'PodDisruptionBudget').spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);

    const known = new Set(configVariables);
    const set = [
      ...Object.keys(byKind(all, 'ConfigMap').data),
      ...Object.keys(byKind(all, 'Secret').stringData),
      ...deployment.spec.template.spec.containers[0].env.map((entry: { name: string }) => entry.name),
    ];
    expect(set.filter((name) => !known.has(name))).toEqual([]);
    const claim = deployment.spec.template.spec.volumes.find((volume: Yaml) => volume.persistentVolumeClaim);
    expect(byKind(all, 'PersistentVolumeClaim').metadata.name).toBe(claim.persistentVolumeClaim.claimName);
  });
});

describe('docker-compose.yml', () => {
  const composeAvailable = (() => {
    try {
      execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!composeAvailable && process.env.CI === 'true')
    throw new Error('docker-compose is required under CI=true');
  const withCompose = composeAvailable ? it : it.skip;

  withCompose('is valid, and its nodes, nginx upstream, Prometheus targets and ports agree', async () => {
    const env = { ...process.env, JWT_SECRET: 'x'.repeat(32), ADMIN_PASSWORD: 'a-password-1' };
    execFileSync('docker-compose', ['config', '-q'], { env });
    const compose = parse(execFileSync('docker-compose', ['config'], { env, encoding: 'utf8' }));
    const nodes = Object.keys(compose.services).filter((name: string) => compose.services[name].build);
    expect(nodes.length).toBeGreaterThanOrEqual(2);

    const nginx = await readFile('deploy/nginx/nginx.conf', 'utf8');
    const upstream = [...nginx.matchAll(/^\s*server ([\w-]+):3000 /gm)].map((match) => match[1]);
    expect(upstream.sort()).toEqual([...nodes].sort());
    const prometheus = parse(await readFile('prometheus/prometheus.yml', 'utf8'));
    expect(prometheus.scrape_configs[0].static_configs[0].targets.sort()).toEqual(
      nodes.map((name) => `${name}:3000`).sort(),
    );

    const published = (service: string) =>
      (compose.services[service].ports as Array<{ published: number | string; target: number }>).map(
        (port) => `${port.published}->${port.target}`,
      );
    expect(published('nginx')).toEqual(['3000->80']);
    expect(published('grafana')).toEqual(['3001->3000']);
    expect(published('prometheus')).toEqual(['9090->9090']);

    const known = new Set(configVariables);
    for (const name of nodes) {
      const variables = Object.keys(compose.services[name].environment);
      expect(variables.filter((variable) => !known.has(variable))).toEqual([]);
      expect(compose.services[name].environment.NODE_ID).toBe(name);
    }
  });
});

describe('Dockerfile', () => {
  it('runs the built entry point as a non-root user, health-checked on /health, with a .dockerignore', async () => {
    const dockerfile = await readFile('Dockerfile', 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = stages.at(-1) as string;
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\/health/ms);
    expect(runtime).toMatch(/^CMD \["node", "dist\/server\.js"\]$/m);
    expect(runtime).not.toMatch(/npm (ci|install)/);
    // The live board's page and styles are served from public/.
    expect(runtime).toMatch(/^COPY .*public \.\/public$/m);
    const tsconfig = JSON.parse(await readFile('tsconfig.json', 'utf8'));
    expect(tsconfig.compilerOptions.outDir.replace(/^\.\//, '')).toBe('dist');
    const ignored = (await readFile('.dockerignore', 'utf8')).split('\n');
    for (const entry of ['node_modules', '.env', '.git']) expect(ignored).toContain(entry);
  });
});
