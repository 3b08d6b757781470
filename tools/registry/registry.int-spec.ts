import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The files generated from the service registry are checked in `npm test`: these tests prove the
 * check fails on a stale file and on a registry change that was not regenerated, and passes after
 * regenerating. They run the real script against a copy of the registry and its outputs.
 */
describe('service registry generation', () => {
  const root = process.cwd();
  let copy: string;

  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'engage-registry-'));
    cpSync(join(root, 'tools/registry'), join(copy, 'tools/registry'), { recursive: true });
    cpSync(join(root, 'libs/contracts/src/system'), join(copy, 'libs/contracts/src/system'), { recursive: true });
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
    registry.services.push({ app: 'billing-service', valuesKey: 'billingService', schema: 'billing', prefix: 'billing', stream: 'EVT_BILLING', portOffset: 6, owns: 'test' });
    writeFileSync(file, JSON.stringify(registry));
    expect(check().status).toBe(1);
    execFileSync(process.execPath, [join(copy, 'tools/registry/generate.mjs')]);
    expect(check().status).toBe(0);
    expect(readFileSync(join(copy, 'libs/contracts/src/system/services.generated.ts'), 'utf8')).toContain("billing: 'billing-service'");
  });
});
