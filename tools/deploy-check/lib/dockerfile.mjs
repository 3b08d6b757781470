// Dockerfile rules, hadolint-style (hadolint itself is neither on npm nor in Debian bookworm;
// the npm package "hadolint" is only a wrapper that expects the binary). Codes in brackets name
// the hadolint rule each one mirrors, where there is one.

export function parseDockerfile(text) {
  const lines = text.split('\n');
  const out = [];
  let buf = '';
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (!buf && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (buf && trimmed.startsWith('#')) continue; // comment inside a continuation
    if (!buf) start = i + 1;
    if (/\\\s*$/.test(raw)) {
      buf += `${raw.replace(/\\\s*$/, '')} `;
      continue;
    }
    buf += raw;
    const m = buf.trim().match(/^(\w+)\s*([\s\S]*)$/);
    if (m) out.push({ cmd: m[1].toUpperCase(), args: m[2].trim(), line: start });
    buf = '';
  }
  return out;
}

function stages(instrs) {
  const list = [];
  let cur = null;
  const globalArgs = {};
  for (const ins of instrs) {
    if (ins.cmd === 'FROM') {
      const m = ins.args.match(/^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i);
      cur = { from: m?.[1] ?? '', name: m?.[2]?.toLowerCase() ?? null, instrs: [], line: ins.line };
      list.push(cur);
    } else if (!cur) {
      if (ins.cmd === 'ARG') {
        const [k, v] = ins.args.split('=');
        globalArgs[k.trim()] = v?.trim().replace(/^"|"$/g, '');
      }
    } else cur.instrs.push(ins);
  }
  return { list, globalArgs };
}

const expand = (s, vars) => s.replace(/\$\{?(\w+)\}?/g, (_, k) => vars[k] ?? `\${${k}}`);

export function dockerfileRules(text) {
  const instrs = parseDockerfile(text);
  const { list, globalArgs } = stages(instrs);
  const results = [];
  const add = (what, problems) => results.push({ what, problems });
  const final = list[list.length - 1];
  const stageNames = new Set();

  // Base images pinned.
  const fromProblems = [];
  for (const st of list) {
    const img = expand(st.from, globalArgs);
    if (stageNames.has(img.toLowerCase())) {
      if (st.name) stageNames.add(st.name);
      continue;
    }
    if (st.name) stageNames.add(st.name);
    if (img.includes('${')) fromProblems.push(`line ${st.line}: FROM ${st.from} uses an ARG without a default`);
    else if (/@sha256:[a-f0-9]{64}$/.test(img)) continue;
    else if (!img.split('/').pop().includes(':')) fromProblems.push(`line ${st.line}: FROM ${img} has no tag [DL3006]`);
    else if (/:latest$/.test(img)) fromProblems.push(`line ${st.line}: FROM ${img} uses latest [DL3007]`);
    else if (/^node:\d+(-|$)/.test(img) && !/^node:\d+\.\d+\.\d+/.test(img))
      fromProblems.push(`line ${st.line}: FROM ${img}: pin the Node version (major.minor.patch)`);
  }
  add('Dockerfile: every base image is pinned to a version [DL3006, DL3007]', list.length ? fromProblems : ['no FROM']);

  // Non-root user in the final stage.
  const users = (final?.instrs ?? []).filter((i) => i.cmd === 'USER');
  const lastUser = users[users.length - 1]?.args.split(':')[0];
  add(
    'Dockerfile: the final stage runs as a non-root USER [DL3002]',
    !lastUser ? ['no USER in the final stage'] : ['root', '0'].includes(lastUser) ? [`final USER is ${lastUser}`] : [],
  );

  // HEALTHCHECK.
  const hc = (final?.instrs ?? []).filter((i) => i.cmd === 'HEALTHCHECK');
  add(
    'Dockerfile: the final stage has a HEALTHCHECK on /health/live',
    hc.length === 0
      ? ['no HEALTHCHECK']
      : /^NONE$/i.test(hc[hc.length - 1].args)
        ? ['HEALTHCHECK NONE']
        : hc.length > 1
          ? ['more than one HEALTHCHECK [DL3012]']
          : /\/health\/live/.test(hc[0].args)
            ? []
            : ['HEALTHCHECK does not ask /health/live'],
  );

  // ADD.
  add(
    'Dockerfile: no ADD of URLs or plain files (COPY instead) [DL3020]',
    instrs
      .filter((i) => i.cmd === 'ADD')
      .map((i) =>
        /https?:\/\//.test(i.args)
          ? `line ${i.line}: ADD of a URL`
          : /\.(tar|tar\.gz|tgz|tar\.xz|tar\.bz2)(\s|$)/.test(i.args)
            ? null
            : `line ${i.line}: ADD of a local file; use COPY`,
      )
      .filter(Boolean),
  );

  // apt hygiene.
  const apt = [];
  for (const i of instrs.filter((x) => x.cmd === 'RUN')) {
    if (!/apt-get\s+(-\S+\s+)*install/.test(i.args)) continue;
    if (!/apt-get\s+update/.test(i.args)) apt.push(`line ${i.line}: apt-get install without apt-get update in the same RUN`);
    if (!/rm -rf \/var\/lib\/apt\/lists/.test(i.args)) apt.push(`line ${i.line}: apt lists not removed [DL3009]`);
    if (!/--no-install-recommends/.test(i.args)) apt.push(`line ${i.line}: no --no-install-recommends [DL3015]`);
    if (!/install\s+(\S+\s+)*-y|\s-y\s|--yes|-qq?y/.test(i.args)) apt.push(`line ${i.line}: apt-get install without -y [DL3014]`);
  }
  for (const i of instrs.filter((x) => x.cmd === 'RUN'))
    if (/(^|[;&|]\s*)sudo\s/.test(i.args)) apt.push(`line ${i.line}: sudo [DL3004]`);
  add('Dockerfile: apt-get runs with update, -y, --no-install-recommends and cleans its lists [DL3009, DL3014, DL3015]', apt);

  // npm hygiene and production deps.
  const npm = [];
  for (const i of instrs.filter((x) => x.cmd === 'RUN'))
    if (/\bnpm\s+(install|i)\b/.test(i.args)) npm.push(`line ${i.line}: npm install (use npm ci)`);
  if (!instrs.some((i) => i.cmd === 'RUN' && /npm ci[^&;]*--omit=dev|npm prune[^&;]*--omit=dev|npm prune --production/.test(i.args)))
    npm.push('no `npm ci --omit=dev` (or prune) for the runtime dependencies');
  add('Dockerfile: dependencies installed with npm ci, production-only for the runtime', npm);

  // Exec form and tini.
  const ep = (final?.instrs ?? []).filter((i) => i.cmd === 'ENTRYPOINT').pop();
  const cmd = (final?.instrs ?? []).filter((i) => i.cmd === 'CMD').pop();
  const execProblems = [];
  for (const [n, i] of [['ENTRYPOINT', ep], ['CMD', cmd]]) {
    if (!i) execProblems.push(`no ${n} in the final stage`);
    else if (!i.args.startsWith('[')) execProblems.push(`line ${i.line}: ${n} in shell form [DL3025]`);
  }
  if (ep && !/tini/.test(ep.args)) execProblems.push('ENTRYPOINT is not tini');
  add('Dockerfile: tini is PID 1; ENTRYPOINT and CMD in exec form [DL3025]', execProblems);

  // WORKDIR, COPY --from, the APP argument.
  const misc = [];
  for (const i of instrs.filter((x) => x.cmd === 'WORKDIR'))
    if (!i.args.startsWith('/') && !i.args.startsWith('$')) misc.push(`line ${i.line}: relative WORKDIR [DL3000]`);
  const known = new Set();
  for (const st of list) {
    for (const i of st.instrs) {
      const m = i.cmd === 'COPY' && i.args.match(/--from=(\S+)/);
      if (m && !known.has(m[1].toLowerCase()) && !/[:/]/.test(m[1]))
        misc.push(`line ${i.line}: COPY --from=${m[1]} refers to no earlier stage [DL3022]`);
    }
    if (st.name) known.add(st.name);
  }
  if (!(final?.instrs ?? []).some((i) => i.cmd === 'ARG' && /^APP(\s|=|$)/.test(i.args)))
    misc.push('the final stage does not declare ARG APP');
  for (const i of instrs.filter((x) => x.cmd === 'ENV' || x.cmd === 'ARG'))
    if (/\b\w*(PASSWORD|SECRET|TOKEN|PRIVATE_KEY)\w*\s*=/i.test(i.args)) misc.push(`line ${i.line}: a secret in ${i.cmd}`);
  add('Dockerfile: absolute WORKDIRs, COPY --from known stages, ARG APP, no secrets in ENV/ARG', misc);

  return results;
}

export function dockerignoreRules(text) {
  const pats = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const has = (re) => pats.some((p) => re.test(p));
  const problems = [];
  for (const [what, re] of [
    ['node_modules', /^(\*\*\/)?node_modules\/?$/],
    ['.git', /^\.git\/?$/],
    ['dist', /^\/?dist\/?$/],
    ['.env files', /^(\*\*\/)?\.env/],
  ])
    if (!has(re)) problems.push(`does not exclude ${what}`);
  for (const keep of ['apps', 'libs', 'tools/build', 'tools/infra', 'package.json', 'package-lock.json', 'tsconfig.base.json', '.swcrc'])
    if (pats.some((p) => !p.startsWith('!') && (p === keep || p === `${keep}/` || p === `/${keep}`)))
      problems.push(`excludes ${keep}, which the build needs`);
  return [{ what: '.dockerignore keeps secrets, host node_modules and build output out of the context', problems }];
}
