import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The files generated from the service registry are checked in `npm test`: these tests prove the
 * check fails on a stale file and on a registry change that was not regenerated, and passes after
 * regenerating. They run the real script against a copy of the registry and its outputs.
 */
/** The generated deployment files (Helm chart parts, compose file, Kubernetes overlays). */
const DEPLOYMENT_FILES = [
  'helm/engage/templates/_services.tpl',
  'helm/engage/values.yaml',
  'helm/engage/values.schema.json',
  'docker/docker-compose.yml',
  'k8s/overlays/dev/images/kustomization.yaml',
  'k8s/overlays/prod/images/kustomization.yaml',
  'k8s/overlays/dev/secrets/kustomization.yaml',
];

describe('service registry generation', () => {
  const root = process.cwd();
  let copy: string;

  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'engage-registry-'));
    cpSync(join(root, 'tools/registry'), join(copy, 'tools/registry'), { recursive: true });
    cpSync(join(root, 'libs/contracts/src/system'), join(copy, 'libs/contracts/src/system'), { recursive: true });
    for (const file of DEPLOYMENT_FILES) cpSync(join(root, file), join(copy, file), { recursive: true });
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  const check = () => spawnSync(process.execPath, [join(copy, 'tools/registry/generate.mjs'), '--check'], { encoding: 'utf8' });

  it('passes on the checked-in files', () => {
    expect(check().status).toBe(0);
  });

  it('fails on a hand-edited generated file, naming it', () => {
    appendFileSync(join(copy, 'libs/contracts/src/system/services.generated.ts'), '// edited by hand\n');
    const result = check();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('libs/contracts/src/system/services.generated.ts');
  });

  it('fails when the registry changed and the files were not regenerated, and passes once they are', () => {
    const file = join(copy, 'libs/contracts/src/system/services.json');
    const registry = JSON.parse(readFileSync(file, 'utf8'));
    registry.services.push({ app: 'billing-service', valuesKey: 'billingService', schema: 'billing', prefix: 'billing', stream: 'EVT_BILLING', portOffset: 1 + Math.max(...registry.services.map((s: { portOffset: number }) => s.portOffset)), owns: 'test' });
    writeFileSync(file, JSON.stringify(registry));
    expect(check().status).toBe(1);
    execFileSync(process.execPath, [join(copy, 'tools/registry/generate.mjs')]);
    expect(check().status).toBe(0);
    expect(readFileSync(join(copy, 'libs/contracts/src/system/services.generated.ts'), 'utf8')).toContain("billing: 'billing-service'");
    // The deployment gets the new service everywhere it lists services.
    const read = (file: string) => readFileSync(join(copy, file), 'utf8');
    expect(read('helm/engage/templates/_services.tpl')).toMatch(/Service billingService\n/);
    expect(read('helm/engage/values.yaml')).toContain('billingService:\n  enabled: true\n  app: billing-service\n  schema: billing\n');
    const schema = JSON.parse(read('helm/engage/values.schema.json'));
    expect(schema.definitions.workload.properties.schema.enum).toContain('billing');
    expect(schema.required).toContain('billingService');
    expect(read('docker/docker-compose.yml')).toContain('migrate-billing:');
    expect(read('docker/docker-compose.yml')).toContain('BILLING_APP_PASSWORD: ${BILLING_APP_PASSWORD:-billing_app_dev}');
    expect(read('k8s/overlays/dev/secrets/kustomization.yaml')).toContain('- name: engage-billing-service');
    expect(read('k8s/overlays/prod/images/kustomization.yaml')).toContain('engage/billing-service');
  });

  it.each(DEPLOYMENT_FILES)('fails when %s is edited by hand, naming it', (file) => {
    const path = join(copy, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace('GENERATED', 'generated'));
    const result = check();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(file);
  });

  it('fails when a generated file is missing', () => {
    rmSync(join(copy, 'helm/engage/templates/_services.tpl'));
    const result = check();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('helm/engage/templates/_services.tpl');
  });

  it('marks every generated file as generated in its first lines', () => {
    const notice = 'GENERATED from libs/contracts/src/system/services.json by tools/registry/generate.mjs';
    for (const file of ['libs/contracts/src/system/services.generated.ts', ...DEPLOYMENT_FILES])
      expect(readFileSync(join(copy, file), 'utf8').split('\n').slice(0, 3).join('\n')).toContain(notice);
  });
});
