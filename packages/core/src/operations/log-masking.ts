import { parseAllDocuments } from 'yaml';

import type { RenderedConfig } from '../cluster-state/rendered-config.js';

/**
 * Values shorter than this many characters are not masked (nor are their encodings). Masking
 * `admin`, `ubuntu` or `true` everywhere would make logs unreadable and would itself tell which
 * short words are secrets; secrets Commander generates (SSH keys, agent keys) are far longer.
 * A password shorter than this is not protected from appearing in an operation log.
 */
export const MIN_MASKED_SECRET_LENGTH = 6;

/** What a masked secret is replaced with. */
export const SECRET_MASK = '[MASKED]';

/** Field names whose values are secrets in rendered documents and JSON credentials. */
const SECRET_FIELD =
  /pass(word|wd|phrase)?$|secret|token|private_?key|dockercfg|^auth$|credential|api_?key|access_?key|service_?account_?json|client_?key/i;
/** …unless the name says it holds a reference or a setting, not the secret itself. */
const NOT_SECRET_FIELD = /(name|ref|ttl|file|path|enabled|mode|type|id)$/i;

function isSecretField(key: string): boolean {
  return SECRET_FIELD.test(key) && !NOT_SECRET_FIELD.test(key);
}

const PEM_ARMOR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * The forms a secret value may take in a log line: the value itself (and trimmed), each line
 * of a multi-line value (an SSH private key printed line by line or re-indented in YAML; the
 * PEM armor lines are not secret and are left alone), base64 of the whole value (padded and
 * unpadded, with and without a trailing newline), and its JSON-escaped form (`\n`, `\"`).
 */
export function secretVariants(value: string): string[] {
  const variants = new Set<string>();
  const trimmed = value.trim();
  for (const form of new Set([value, trimmed])) {
    if (form.length === 0) {
      continue;
    }
    variants.add(form);
    variants.add(jsonEscaped(form));
    for (const encoded of [form, `${form}\n`]) {
      const base64 = Buffer.from(encoded, 'utf8').toString('base64');
      variants.add(base64);
      variants.add(base64.replace(/=+$/, ''));
    }
  }
  if (trimmed.includes('\n')) {
    for (const line of trimmed.split(/\r?\n/)) {
      const part = line.trim();
      if (!PEM_ARMOR.test(part)) {
        variants.add(part);
      }
    }
  }
  return [...variants].filter((v) => v.length >= MIN_MASKED_SECRET_LENGTH);
}

/**
 * Replaces every known secret value (in every form {@link secretVariants} lists) with
 * {@link SECRET_MASK}. Built from an operation's secrets before its first log line is stored;
 * secrets that appear during the run (a new agent key) are added with {@link SecretMasker.add}.
 */
export class SecretMasker {
  readonly #needles = new Set<string>();
  #pattern: RegExp | null = null;
  /** The needles that contain no other needle: a text holds some needle iff it holds one of these. */
  #probes: string[] | null = null;

  /** @param secrets secret values; empty, missing and too short ones are ignored. */
  constructor(secrets: Iterable<string | null | undefined> = []) {
    this.add(...secrets);
  }

  /** Adds secret values (and their encodings). */
  add(...secrets: (string | null | undefined)[]): this {
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.trim().length < MIN_MASKED_SECRET_LENGTH) {
        continue;
      }
      for (const variant of secretVariants(secret)) {
        if (!this.#needles.has(variant)) {
          this.#needles.add(variant);
          this.#pattern = null;
          this.#probes = null;
        }
      }
    }
    return this;
  }

  /** How many distinct strings are masked (values and their encodings). */
  get size(): number {
    return this.#needles.size;
  }

  /**
   * An independent copy (what {@link add} does to one does not reach the other) that shares the
   * compiled pattern until either adds a secret: the claim hands each run a copy of the masker
   * cached for its cluster's secrets, without computing the variants or the pattern again.
   */
  clone(): SecretMasker {
    const copy = new SecretMasker();
    for (const needle of this.#needles) {
      copy.#needles.add(needle);
    }
    copy.#pattern = this.#pattern;
    // Computed here, on the cached original, so every run's copy shares them.
    copy.#probes = this.#minimalProbes();
    return copy;
  }

  /** The text with every known secret replaced. */
  mask(text: string): string {
    if (this.#needles.size === 0 || text.length < MIN_MASKED_SECRET_LENGTH) {
      return text;
    }
    // Nearly no line holds a secret: a plain substring search per secret form rejects those
    // several times faster than the alternation of every form (which tries each form at each
    // position). A line that holds one goes through the pattern, longest form first.
    if (!this.#foundIn(text)) {
      return text;
    }
    // String.replace with a global pattern starts at 0 and runs synchronously, so clones can
    // share one RegExp object (its lastIndex never carries over between calls).
    return text.replace(this.#compiled(), SECRET_MASK);
  }

  #foundIn(text: string): boolean {
    for (const probe of this.#minimalProbes()) {
      if (text.includes(probe)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The needles without those that contain a shorter one (a text holding the longer holds the
   * shorter): a secret's whole value, its trimmed and JSON-escaped forms all contain each of its
   * lines, so an SSH key is probed by its lines and base64 forms only.
   */
  #minimalProbes(): string[] {
    if (this.#probes === null) {
      const probes: string[] = [];
      for (const needle of [...this.#needles].sort((a, b) => a.length - b.length)) {
        if (!probes.some((shorter) => needle.includes(shorter))) {
          probes.push(needle);
        }
      }
      this.#probes = probes;
    }
    return this.#probes;
  }

  #compiled(): RegExp {
    // Longest first: an alternation takes the first branch that matches, so the whole key wins
    // over one of its lines and base64 of a value over the value's own characters.
    this.#pattern ??= new RegExp(
      [...this.#needles]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return this.#pattern;
  }

  /** Masks each line. */
  maskLines(lines: readonly string[]): string[] {
    return lines.map((line) => this.mask(line));
  }

  /** Masks every string (and object key) inside a JSON-like value; other values are kept. */
  maskJson<T>(value: T): T {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') {
        return this.mask(v);
      }
      if (Array.isArray(v)) {
        return v.map(walk);
      }
      if (v !== null && typeof v === 'object') {
        return Object.fromEntries(
          Object.entries(v as Record<string, unknown>).map(([k, x]) => [this.mask(k), walk(x)]),
        );
      }
      return v;
    };
    return walk(value) as T;
  }
}

function tryJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    return undefined;
  }
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

function tryBase64Json(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.length < 8 || !/^[A-Za-z0-9+/=_-]+$/.test(trimmed)) {
    return undefined;
  }
  return tryJson(Buffer.from(trimmed, 'base64').toString('utf8'));
}

/**
 * Collects secret values from a structure: values of secret-named fields (`password`,
 * `privateKey`, `registryDockerCfg`, `auth`, `token`, …), every value of a Kubernetes Secret's
 * `data` / `stringData`, and, inside those, JSON credentials (a service-account key's
 * `private_key`, a docker config's `auths.*.auth` and the password it encodes).
 */
function collectSecrets(node: unknown, out: string[], isSecret = false): void {
  if (typeof node === 'string') {
    if (!isSecret) {
      return;
    }
    out.push(node);
    const nested = tryJson(node) ?? tryBase64Json(node);
    if (nested !== undefined) {
      collectSecrets(nested, out);
    }
    if (/^[A-Za-z0-9+/]+=*$/.test(node.trim())) {
      // docker `auth` is base64 of `user:password`.
      const decoded = Buffer.from(node.trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0 && /^[\x20-\x7e]+$/.test(decoded)) {
        out.push(decoded.slice(colon + 1));
      }
    }
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) {
      collectSecrets(item, out, isSecret);
    }
    return;
  }
  if (node === null || typeof node !== 'object') {
    return;
  }
  const record = node as Record<string, unknown>;
  const isK8sSecret = record.kind === 'Secret';
  for (const [key, value] of Object.entries(record)) {
    const secretData = isK8sSecret && (key === 'data' || key === 'stringData');
    if (secretData && value !== null && typeof value === 'object') {
      for (const item of Object.values(value as Record<string, unknown>)) {
        collectSecrets(item, out, true);
        if (key === 'data' && typeof item === 'string') {
          out.push(Buffer.from(item, 'base64').toString('utf8'));
        }
      }
      continue;
    }
    collectSecrets(value, out, isSecret || isSecretField(key));
  }
}

/**
 * Text without any of these cannot hold a secret-named field (every {@link SECRET_FIELD} match
 * contains one of the words) nor a Kubernetes Secret; a backslash may escape a key's letters
 * (`"p\u0061ssword"`), so text with one is parsed too. YAML folding only splits words.
 */
const MAY_HOLD_SECRET =
  /pass|secret|token|private_?key|dockercfg|auth|credential|api_?key|access_?key|service_?account_?json|client_?key|\\/i;

/** Secret values found in YAML/JSON text (every document of a multi-document stream). */
export function secretsInDocuments(text: string): string[] {
  const out: string[] = [];
  if (text.trim() === '' || !MAY_HOLD_SECRET.test(text)) {
    return out;
  }
  const json = tryJson(text);
  if (json !== undefined) {
    collectSecrets(json, out);
    return out;
  }
  for (const document of parseAllDocuments(text, { uniqueKeys: false })) {
    if (!('errors' in document) || document.errors.length > 0) {
      continue;
    }
    collectSecrets(document.toJS({ maxAliasCount: 100 }), out);
  }
  return out;
}

/** The YAML sections of a rendered configuration (every section and resource group). */
function renderedSections(config: RenderedConfig | null): string[] {
  return config
    ? [
        config.cluster_configuration,
        config.provider_specific_cluster_configuration,
        config.init_configuration,
        config.connection_config,
        config.primary_resources,
        ...config.resources.map((group) => group.yaml),
      ]
    : [];
}

/**
 * Secret values in rendered configurations (every section and resource group of each); a
 * section whose text repeats (the applied configuration of a cluster in sync is mostly the
 * desired one) is parsed once.
 */
export function secretsInRenderedConfig(...configs: (RenderedConfig | null)[]): string[] {
  const sections = new Set(configs.flatMap(renderedSections));
  return [...sections].flatMap((section) => {
    try {
      return secretsInDocuments(section);
    } catch {
      return [];
    }
  });
}

/** What an operation's masker is built from (everything optional). */
export type OperationSecrets = {
  sshPrivateKey?: string | null;
  /** Values of `format: password` params. */
  secretValues?: Record<string, unknown> | null;
  /** The registry's docker config.json (base64 or JSON). */
  registryDockerConfig?: string | null;
  agentKey?: string | null;
  desired?: RenderedConfig | null;
  applied?: RenderedConfig | null;
  /**
   * The secrets of the rendered configurations, found before (`secretsInRenderedConfig`, as
   * stored in `masker_secrets_encrypted`): used instead of parsing `desired` and `applied`.
   */
  renderedSecrets?: readonly string[] | null;
};

/** The masker for one operation's log lines, result and error text. */
export function createOperationMasker(secrets: OperationSecrets): SecretMasker {
  const values: string[] = [];
  if (secrets.sshPrivateKey) {
    values.push(secrets.sshPrivateKey);
  }
  if (secrets.agentKey) {
    values.push(secrets.agentKey);
  }
  for (const value of Object.values(secrets.secretValues ?? {})) {
    if (typeof value === 'string') {
      values.push(value);
    } else if (value !== null && value !== undefined) {
      collectSecrets(value, values, true);
    }
  }
  if (secrets.registryDockerConfig) {
    collectSecrets(secrets.registryDockerConfig, values, true);
  }
  values.push(
    ...(secrets.renderedSecrets ??
      secretsInRenderedConfig(secrets.desired ?? null, secrets.applied ?? null)),
  );
  return new SecretMasker(values);
}

/**
 * Operation maskers by cluster, each kept while the encrypted inputs it was built from (the
 * rendered configurations, SSH key, password values, registry, agent key: `sourceKey`, a digest
 * of their ciphertexts) are unchanged. Building one parses every rendered YAML document and
 * computes every secret's encodings, which cost a periodic check more CPU than the rest of its
 * run; a cluster's secrets change only with a new render, key or registry, which changes the
 * digest. Each caller gets its own {@link SecretMasker.clone} (a run's `add` stays its own).
 * Holds at most `maxEntries` clusters (least recently used dropped first); the secrets stay in
 * this process's memory as long as their masker does (the manager decrypts them anyway).
 */
export class OperationMaskerCache {
  readonly #entries = new Map<string, { sourceKey: string; masker: SecretMasker }>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  /** How many clusters have a cached masker. */
  get size(): number {
    return this.#entries.size;
  }

  /** A copy of the cluster's masker for `sourceKey`; `build` runs only when it is not cached. */
  get(clusterId: string, sourceKey: string, build: () => SecretMasker): SecretMasker {
    const hit = this.#entries.get(clusterId);
    this.#entries.delete(clusterId);
    const entry = hit && hit.sourceKey === sourceKey ? hit : { sourceKey, masker: build() };
    this.#entries.set(clusterId, entry);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) {
        this.#entries.delete(oldest);
      }
    }
    return entry.masker.clone();
  }

  clear(): void {
    this.#entries.clear();
  }
}
