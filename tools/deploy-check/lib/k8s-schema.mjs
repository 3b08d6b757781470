// Validation of rendered objects against the Kubernetes API schemas, from npm packages:
// - kubernetes-models (core API groups) and @kubernetes-models/prometheus-operator
//   (ServiceMonitor) ship ajv validators compiled from the OpenAPI definitions: types,
//   required fields, enums, formats (quantities, int-or-string...).
// - Those validators accept unknown fields (the OpenAPI schemas do not forbid them), while the
//   API server rejects them (kubectl's default strict field validation). So unknown fields are
//   found separately by walking each object along the type declarations (.d.ts) that ship in the
//   same packages, like `kubeconform -strict`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { toolDir } from './bootstrap.mjs';

const require = createRequire(join(toolDir, 'package.json'));

function modulePath(apiVersion, kind) {
  if (!apiVersion || !kind || !/^[A-Za-z]+$/.test(kind)) return null;
  if (apiVersion === 'monitoring.coreos.com/v1') {
    return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`;
  }
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return null;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

function loadModel(apiVersion, kind) {
  const p = modulePath(apiVersion, kind);
  if (!p) return null;
  try {
    const mod = require(p);
    return { Model: mod[kind], dts: require.resolve(p).replace(/\.js$/, '.d.ts') };
  } catch {
    return null;
  }
}

// ---- a small parser for the TypeScript type declarations of the models ----------------------

function tokenize(src) {
  const tokens = [];
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|([A-Za-z_$][\w$]*)|(-?\d+(?:\.\d+)?)|(\[\]|[{}<>|;:?[\](),&=]))/y;
  let m;
  re.lastIndex = 0;
  while (re.lastIndex < src.length) {
    const at = re.lastIndex;
    m = re.exec(src);
    if (!m) {
      if (/^\s*$/.test(src.slice(at))) break;
      throw new Error(`cannot tokenize type at: ${src.slice(at, at + 40)}`);
    }
    if (m[1]) tokens.push({ t: 'str', v: JSON.parse(m[1]) });
    else if (m[2]) tokens.push({ t: 'id', v: m[2] });
    else if (m[3]) tokens.push({ t: 'num', v: m[3] });
    else tokens.push({ t: 'p', v: m[4] });
  }
  return tokens;
}

function parseType(tokens) {
  let i = 0;
  const peek = () => tokens[i];
  const eat = (v) => {
    const tok = tokens[i];
    if (!tok || tok.v !== v) throw new Error(`expected ${v} got ${tok?.v}`);
    i++;
  };
  function union() {
    const parts = [postfix()];
    while (peek()?.v === '|' || peek()?.v === '&') {
      i++;
      parts.push(postfix());
    }
    return parts.length === 1 ? parts[0] : { kind: 'union', of: parts };
  }
  function postfix() {
    let t = primary();
    while (peek()?.v === '[]') {
      i++;
      t = { kind: 'arr', of: t };
    }
    return t;
  }
  function primary() {
    const tok = tokens[i++];
    if (!tok) throw new Error('unexpected end of type');
    if (tok.v === '{') return members();
    if (tok.v === '(') {
      const t = union();
      eat(')');
      return t;
    }
    if (tok.t === 'id' && (tok.v === 'Array' || tok.v === 'Record') && peek()?.v === '<') {
      i++;
      let t;
      if (tok.v === 'Record') {
        union();
        eat(',');
        t = { kind: 'obj', props: new Map(), index: union() };
      } else {
        t = { kind: 'arr', of: union() };
      }
      eat('>');
      return t;
    }
    if (tok.t === 'id' && /^I[A-Z]/.test(tok.v)) return { kind: 'ref', name: tok.v };
    return { kind: 'leaf' };
  }
  function members() {
    const props = new Map();
    let index = null;
    while (peek() && peek().v !== '}') {
      const tok = tokens[i++];
      if (tok.v === ';' || tok.v === ',') continue;
      if (tok.v === '[') {
        while (tokens[i] && tokens[i].v !== ']') i++;
        eat(']');
        eat(':');
        index = union();
        continue;
      }
      const name = tok.v;
      if (peek()?.v === '?') i++;
      eat(':');
      props.set(String(name), union());
    }
    eat('}');
    return { kind: 'obj', props, index };
  }
  const t = union();
  return t;
}

const fileCache = new Map();

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function loadDts(file) {
  if (fileCache.has(file)) return fileCache.get(file);
  const text = stripComments(readFileSync(file, 'utf8'));
  const imports = new Map();
  for (const m of text.matchAll(/import \{([^}]+)\} from "([^"]+)";/g)) {
    for (const part of m[1].split(',')) {
      const [orig, local] = part.trim().split(/\s+as\s+/);
      if (!orig) continue;
      imports.set((local ?? orig).trim(), { name: orig.trim(), spec: m[2] });
    }
  }
  const aliases = new Map();
  for (const m of text.matchAll(/export \{([^}]+)\};/g)) {
    for (const part of m[1].split(',')) {
      const [orig, exported] = part.trim().split(/\s+as\s+/);
      if (orig && exported) aliases.set(exported.trim(), orig.trim());
    }
  }
  const interfaces = new Map();
  const ifaceRe = /export interface (\w+)(?: extends [^{]+)? \{/g;
  let m;
  while ((m = ifaceRe.exec(text))) {
    let depth = 1;
    let j = m.index + m[0].length;
    const start = j - 1;
    while (depth > 0 && j < text.length) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
      j++;
    }
    interfaces.set(m[1], { src: text.slice(start, j), parsed: null });
  }
  const entry = { file, imports, aliases, interfaces };
  fileCache.set(file, entry);
  return entry;
}

function resolveSpec(fromFile, spec) {
  if (spec.startsWith('.')) return join(dirname(fromFile), `${spec}.d.ts`);
  try {
    return require.resolve(spec).replace(/\.js$/, '.d.ts');
  } catch {
    return null;
  }
}

// Returns the object type {kind:'obj'} named `name` as seen from `file`, or null (a type alias,
// something outside the packages: accepted as it is).
function resolveRef(file, name) {
  const entry = loadDts(file);
  let target = entry;
  let iname = name;
  if (!entry.interfaces.has(name)) {
    const imp = entry.imports.get(name);
    if (!imp) return null;
    const f = resolveSpec(file, imp.spec);
    if (!f) return null;
    try {
      target = loadDts(f);
    } catch {
      return null;
    }
    iname = target.aliases.get(imp.name) ?? imp.name;
    if (!target.interfaces.has(iname)) return null;
  }
  const iface = target.interfaces.get(iname);
  if (!iface.parsed) {
    iface.parsed = { type: parseType(tokenize(iface.src)), file: target.file };
  }
  return iface.parsed;
}

function walk(value, type, file, path, errors) {
  if (value == null || !type) return;
  switch (type.kind) {
    case 'ref': {
      const r = resolveRef(file, type.name);
      if (r) walk(value, r.type, r.file, path, errors);
      return;
    }
    case 'arr':
      if (Array.isArray(value)) value.forEach((v, n) => walk(v, type.of, file, `${path}[${n}]`, errors));
      return;
    case 'obj':
      if (typeof value !== 'object' || Array.isArray(value)) return;
      for (const [k, v] of Object.entries(value)) {
        const p = path ? `${path}.${k}` : k;
        if (type.props.has(k)) walk(v, type.props.get(k), file, p, errors);
        else if (type.index) walk(v, type.index, file, p, errors);
        else errors.push(`unknown field ${p}`);
      }
      return;
    case 'union': {
      // Accept when one branch accepts.
      let best = null;
      for (const branch of type.of) {
        const e = [];
        walk(value, branch, file, path, e);
        if (e.length === 0) return;
        if (!best || e.length < best.length) best = e;
      }
      errors.push(...best);
      return;
    }
    default:
  }
}

export function unknownFields(obj) {
  const model = loadModel(obj.apiVersion, obj.kind);
  if (!model) return [];
  const entry = loadDts(model.dts);
  const iname = entry.interfaces.has(`I${obj.kind}`) ? `I${obj.kind}` : [...entry.interfaces.keys()][0];
  const r = resolveRef(model.dts, iname);
  const errors = [];
  if (r) walk(obj, r.type, r.file, '', errors);
  return errors;
}

// Validates one object: schema errors and unknown fields, as strings.
export function validateObject(obj) {
  const id = `${obj.kind ?? '?'}/${obj.metadata?.name ?? '?'}`;
  const model = loadModel(obj.apiVersion, obj.kind);
  if (!model?.Model) return { schema: [`${id}: no schema known for ${obj.apiVersion} ${obj.kind}`], fields: [] };
  const schema = [];
  try {
    const copy = structuredClone(obj);
    // The API server decodes Secret data with Go's base64, which skips newlines (kustomize wraps
    // long values); do the same before the "byte" format check.
    if (copy.kind === 'Secret' && copy.data) {
      for (const k of Object.keys(copy.data)) if (typeof copy.data[k] === 'string') copy.data[k] = copy.data[k].replace(/[\r\n]/g, '');
    }
    new model.Model(copy).validate();
  } catch (err) {
    const details = err.errors?.length
      ? err.errors.map((e) => `${e.instancePath || '/'} ${e.message}`)
      : [String(err.message)];
    schema.push(...[...new Set(details)].slice(0, 5).map((d) => `${id}: ${d}`));
  }
  const fields = unknownFields(obj).map((f) => `${id}: ${f}`);
  return { schema, fields };
}

export function schemaSourceVersion() {
  const v = (p) => JSON.parse(readFileSync(require.resolve(`${p}/package.json`), 'utf8')).version;
  return `kubernetes-models@${v('kubernetes-models')}, @kubernetes-models/prometheus-operator@${v('@kubernetes-models/prometheus-operator')}`;
}
