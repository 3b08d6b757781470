// Engage's own rules over a set of rendered Kubernetes objects. Each rule returns a list of
// problems (empty: the rule holds).

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

const idOf = (o) => `${o.kind}/${o.metadata?.name}`;
const nsOf = (o, defaultNs) => o.metadata?.namespace ?? defaultNs;

export function podTemplates(objects) {
  const out = [];
  for (const o of objects) {
    if (!WORKLOAD_KINDS.has(o.kind)) continue;
    const tpl = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
    if (tpl) out.push({ owner: o, template: tpl, spec: tpl.spec ?? {} });
  }
  return out;
}

function containersOf(spec) {
  return [
    ...(spec.initContainers ?? []).map((c) => ({ c, init: true })),
    ...(spec.containers ?? []).map((c) => ({ c, init: false })),
  ];
}

function eachContainer(objects, fn, { kinds } = {}) {
  const problems = [];
  for (const { owner, spec } of podTemplates(objects)) {
    if (kinds && !kinds.includes(owner.kind)) continue;
    for (const { c, init } of containersOf(spec)) {
      const p = fn(c, spec, owner, init);
      if (p) problems.push(`${idOf(owner)} container ${c.name}: ${p}`);
    }
  }
  return problems;
}

export function matchesSelector(selector, labels = {}) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const val = labels[e.key];
    if (e.operator === 'In' && !(has && e.values.includes(val))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(val)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const sc = (c, spec, key) => c.securityContext?.[key] ?? spec.securityContext?.[key];

export const rules = [
  {
    id: 'probes',
    what: 'every Deployment container has liveness and readiness probes on /health/*',
    run: (objs) =>
      eachContainer(
        objs,
        (c, spec, owner, init) => {
          if (init) return null;
          const missing = ['livenessProbe', 'readinessProbe'].filter((p) => !c[p]);
          if (missing.length) return `no ${missing.join(', ')}`;
          const bad = ['livenessProbe', 'readinessProbe'].filter(
            (p) => c[p].httpGet && !String(c[p].httpGet.path ?? '').startsWith('/health/'),
          );
          return bad.length ? `${bad.join(', ')} not on /health/*` : null;
        },
        { kinds: ['Deployment', 'StatefulSet', 'DaemonSet'] },
      ),
  },
  {
    id: 'resources',
    what: 'every container sets cpu and memory requests and limits',
    run: (objs) =>
      eachContainer(objs, (c) => {
        const miss = [];
        for (const kind of ['requests', 'limits'])
          for (const r of ['cpu', 'memory']) if (c.resources?.[kind]?.[r] == null) miss.push(`${kind}.${r}`);
        return miss.length ? `missing resources ${miss.join(', ')}` : null;
      }),
  },
  {
    id: 'runAsNonRoot',
    what: 'every container runs as non-root (runAsNonRoot, non-zero runAsUser)',
    run: (objs) =>
      eachContainer(objs, (c, spec) => {
        if (sc(c, spec, 'runAsNonRoot') !== true) return 'runAsNonRoot is not true';
        if (sc(c, spec, 'runAsUser') === 0) return 'runAsUser is 0';
        return null;
      }),
  },
  {
    id: 'readOnlyRootFilesystem',
    what: 'every container has a read-only root filesystem and an emptyDir on /tmp',
    run: (objs) =>
      eachContainer(objs, (c, spec) => {
        if (c.securityContext?.readOnlyRootFilesystem !== true) return 'readOnlyRootFilesystem is not true';
        const mount = (c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
        const vol = mount && (spec.volumes ?? []).find((v) => v.name === mount.name);
        return vol?.emptyDir ? null : 'no emptyDir mounted on /tmp';
      }),
  },
  {
    id: 'allowPrivilegeEscalation',
    what: 'every container sets allowPrivilegeEscalation: false and is not privileged',
    run: (objs) =>
      eachContainer(objs, (c) => {
        if (c.securityContext?.allowPrivilegeEscalation !== false) return 'allowPrivilegeEscalation is not false';
        return c.securityContext?.privileged ? 'privileged' : null;
      }),
  },
  {
    id: 'capabilities',
    what: 'every container drops ALL capabilities and adds none',
    run: (objs) =>
      eachContainer(objs, (c) => {
        const caps = c.securityContext?.capabilities ?? {};
        if (!(caps.drop ?? []).includes('ALL')) return 'capabilities.drop lacks ALL';
        return caps.add?.length ? `adds capabilities ${caps.add.join(',')}` : null;
      }),
  },
  {
    id: 'seccomp',
    what: 'every pod uses the RuntimeDefault seccomp profile',
    run: (objs) =>
      eachContainer(objs, (c, spec) => {
        const t = c.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
        return t === 'RuntimeDefault' || t === 'Localhost' ? null : `seccompProfile is ${t ?? 'unset'}`;
      }),
  },
  {
    id: 'entrypoint',
    what: 'no container replaces the image ENTRYPOINT (tini stays PID 1)',
    run: (objs) => eachContainer(objs, (c) => (c.command ? `sets command ${JSON.stringify(c.command)}` : null)),
  },
  {
    id: 'images',
    what: 'every image is pinned (a tag other than latest, or a digest)',
    run: (objs) =>
      eachContainer(objs, (c) => {
        const img = String(c.image ?? '');
        if (!img) return 'no image';
        if (/@sha256:[a-f0-9]{64}$/.test(img)) return null;
        const last = img.split('/').pop();
        if (!last.includes(':')) return `image ${img} has no tag`;
        const tag = last.split(':').pop();
        return tag === 'latest' || tag === '' ? `image ${img} uses tag "${tag}"` : null;
      }),
  },
  {
    id: 'terminationGrace',
    what: 'every Deployment has terminationGracePeriodSeconds >= 20',
    run: (objs) =>
      objs
        .filter((o) => o.kind === 'Deployment')
        .filter((o) => (o.spec?.template?.spec?.terminationGracePeriodSeconds ?? 30) < 20)
        .map((o) => `${idOf(o)}: terminationGracePeriodSeconds ${o.spec.template.spec.terminationGracePeriodSeconds}`),
  },
  {
    id: 'pdb',
    what: 'every Deployment is covered by a PodDisruptionBudget',
    run: (objs, ns) => {
      const pdbs = objs.filter((o) => o.kind === 'PodDisruptionBudget');
      return objs
        .filter((o) => o.kind === 'Deployment')
        .filter(
          (d) =>
            !pdbs.some(
              (p) => nsOf(p, ns) === nsOf(d, ns) && matchesSelector(p.spec?.selector, d.spec?.template?.metadata?.labels),
            ),
        )
        .map((d) => `${idOf(d)} has no PDB`);
    },
  },
  {
    id: 'hpa',
    what: 'every Deployment has a HorizontalPodAutoscaler',
    run: (objs, ns) => {
      const hpas = objs.filter((o) => o.kind === 'HorizontalPodAutoscaler');
      return objs
        .filter((o) => o.kind === 'Deployment')
        .filter(
          (d) =>
            !hpas.some(
              (h) =>
                nsOf(h, ns) === nsOf(d, ns) &&
                h.spec?.scaleTargetRef?.kind === 'Deployment' &&
                h.spec?.scaleTargetRef?.name === d.metadata?.name,
            ),
        )
        .map((d) => `${idOf(d)} has no HPA`);
    },
  },
  {
    id: 'networkPolicy',
    what: 'a NetworkPolicy selects every pod',
    run: (objs, ns) => {
      const nps = objs.filter((o) => o.kind === 'NetworkPolicy');
      return podTemplates(objs)
        .filter(
          ({ owner, template }) =>
            !nps.some(
              (np) => nsOf(np, ns) === nsOf(owner, ns) && matchesSelector(np.spec?.podSelector, template.metadata?.labels),
            ),
        )
        .map(({ owner }) => `pods of ${idOf(owner)} are selected by no NetworkPolicy`);
    },
  },
  {
    id: 'selectors',
    what: 'every Service, PDB and HPA points at an existing workload',
    run: (objs, ns) => {
      const problems = [];
      const tpls = podTemplates(objs).filter(({ owner }) => owner.kind === 'Deployment');
      for (const o of objs) {
        if (o.kind === 'Service' && o.spec?.selector) {
          const sel = { matchLabels: o.spec.selector };
          if (!tpls.some(({ template }) => matchesSelector(sel, template.metadata?.labels)))
            problems.push(`${idOf(o)} selects no pods`);
        }
        if (o.kind === 'PodDisruptionBudget' && !tpls.some(({ template }) => matchesSelector(o.spec?.selector, template.metadata?.labels)))
          problems.push(`${idOf(o)} selects no pods`);
        if (o.kind === 'HorizontalPodAutoscaler') {
          const ref = o.spec?.scaleTargetRef ?? {};
          if (!objs.some((d) => d.kind === ref.kind && d.metadata?.name === ref.name && nsOf(d, ns) === nsOf(o, ns)))
            problems.push(`${idOf(o)} targets missing ${ref.kind}/${ref.name}`);
        }
      }
      return problems;
    },
  },
  {
    id: 'numbers',
    what: 'no ConfigMap value or env var renders a number in exponent notation (Helm float formatting)',
    run: (objs) => {
      const bad = (v) => /^-?\d+(\.\d+)?e[+-]?\d+$/i.test(String(v));
      const problems = [];
      for (const o of objs)
        if (o.kind === 'ConfigMap')
          for (const [k, v] of Object.entries(o.data ?? {})) if (bad(v)) problems.push(`${idOf(o)} ${k}=${v}`);
      problems.push(...eachContainer(objs, (c) => {
        const e = (c.env ?? []).find((x) => x.value != null && bad(x.value));
        return e ? `env ${e.name}=${e.value}` : null;
      }));
      return problems;
    },
  },
  {
    id: 'unique',
    what: 'no two objects share kind, namespace and name',
    run: (objs, ns) => {
      const seen = new Map();
      const problems = [];
      for (const o of objs) {
        const key = `${o.kind}/${nsOf(o, ns) ?? ''}/${o.metadata?.name}`;
        if (seen.has(key)) problems.push(`duplicate ${key}`);
        seen.set(key, true);
      }
      return problems;
    },
  },
];

// Rules applied to the chart's renders only.
export function chartRules({ objects, schemas, expectIngress, expectServiceMonitor }) {
  const out = [];
  const jobs = objects.filter((o) => o.kind === 'Job');
  const hook = (o) => o.metadata?.annotations?.['helm.sh/hook'] ?? '';
  const weight = (o) => Number(o.metadata?.annotations?.['helm.sh/hook-weight'] ?? 0);
  out.push({
    what: `a pre-install/pre-upgrade migration Job per schema (${schemas.join(', ')}) running migrate.js`,
    problems: schemas.flatMap((s) => {
      const j = jobs.find((o) => o.metadata?.labels?.['engage.io/schema'] === s);
      if (!j) return [`no migration Job for schema ${s}`];
      const p = [];
      if (!/pre-install/.test(hook(j)) || !/pre-upgrade/.test(hook(j))) p.push(`${idOf(j)} hook is "${hook(j)}"`);
      const c = j.spec?.template?.spec?.containers?.[0];
      if (!(c?.args ?? []).some((a) => /migrate\.js$/.test(a))) p.push(`${idOf(j)} does not run migrate.js`);
      if (!(c?.env ?? []).some((e) => e.name === 'MIGRATION_DATABASE_URL')) p.push(`${idOf(j)} has no MIGRATION_DATABASE_URL`);
      return p;
    }),
  });
  out.push({
    what: 'hook order: Secrets before provisioning before migrations',
    problems: (() => {
      const p = [];
      const hookObjs = objects.filter((o) => hook(o));
      const secrets = hookObjs.filter((o) => o.kind === 'Secret');
      const prov = jobs.filter((o) => o.metadata?.labels?.['app.kubernetes.io/component'] === 'provisioning');
      const mig = jobs.filter((o) => o.metadata?.labels?.['app.kubernetes.io/component'] === 'migration');
      for (const s of secrets) for (const j of [...prov, ...mig]) if (weight(s) >= weight(j)) p.push(`${idOf(s)} not before ${idOf(j)}`);
      for (const pj of prov) for (const m of mig) if (weight(pj) >= weight(m)) p.push(`${idOf(pj)} not before ${idOf(m)}`);
      return p;
    })(),
  });
  if (expectIngress) {
    const ing = objects.filter((o) => o.kind === 'Ingress');
    out.push({
      what: 'the gateway Ingress keeps WebSockets open (nginx proxy timeouts >= 3600 s)',
      problems: ing.length
        ? ing.flatMap((i) =>
            ['proxy-read-timeout', 'proxy-send-timeout']
              .filter((a) => Number(i.metadata?.annotations?.[`nginx.ingress.kubernetes.io/${a}`] ?? 0) < 3600)
              .map((a) => `${idOf(i)} ${a} below 3600`),
          )
        : ['no Ingress rendered'],
    });
  }
  if (expectServiceMonitor) {
    out.push({
      what: 'a ServiceMonitor scrapes /metrics',
      problems: objects.some((o) => o.kind === 'ServiceMonitor' && o.spec?.endpoints?.some((e) => e.path === '/metrics'))
        ? []
        : ['no ServiceMonitor with path /metrics'],
    });
  }
  return out;
}
