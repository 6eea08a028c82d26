import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where a process spent its CPU during a window, by component (shares of busy samples). */
export type ProfileBreakdown = {
  /** CPU time sampled in the window (all profiles together), ms. */
  busyMs: number;
  shares: { component: string; share: number }[];
  /**
   * What the two catch-all components hold: "other npm packages" by package, and "Node.js
   * internals and other native" by function (shares of all busy samples, largest first).
   */
  detail?: Record<string, { name: string; share: number }[]>;
};

type CallFrame = { functionName: string; url: string };
type CpuProfile = {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
};

/**
 * Components, first match wins. Self time is attributed to the function that was on CPU, so
 * e.g. `writev` (native, no URL) counts as "socket and file writes" whoever called it.
 */
const COMPONENTS: { name: string; test: (frame: CallFrame) => boolean }[] = [
  {
    name: 'Prisma query compiler (Wasm)',
    test: (f) => f.url.startsWith('wasm://') || /query_compiler/.test(f.url),
  },
  {
    name: 'Prisma client runtime',
    test: (f) => /@prisma[+/](client|debug|client-runtime-utils)/.test(f.url),
  },
  {
    name: 'pg driver (pg, adapter-pg)',
    test: (f) =>
      /node_modules\/(\.pnpm\/)?(pg|pg-protocol|pg-pool|pg-types|postgres-\w+|@prisma\+adapter-pg|@prisma\/adapter-pg|@prisma\+driver-adapter-utils)[@/]/.test(
        f.url,
      ),
  },
  { name: 'graphile-worker', test: (f) => /graphile-worker/.test(f.url) },
  {
    name: 'gRPC (@grpc/grpc-js, protobuf)',
    test: (f) => /@grpc|protobufjs|@protobufjs/.test(f.url),
  },
  {
    name: 'Fastify and plugins',
    test: (f) => /fastify|find-my-way|avvio|light-my-request|@fastify/.test(f.url),
  },
  {
    name: 'JSON serialization (fast-json-stringify)',
    test: (f) => /fast-json-stringify|\/fast-uri|json-schema-ref-resolver/.test(f.url),
  },
  { name: 'zod validation', test: (f) => /zod[@/]/.test(f.url) },
  { name: 'prom-client metrics', test: (f) => /prom-client|tdigest|bintrees/.test(f.url) },
  { name: 'pino logging', test: (f) => /pino|sonic-boom|fast-redact|thread-stream/.test(f.url) },
  { name: 'yaml', test: (f) => /node_modules\/(\.pnpm\/)?yaml[@/]/.test(f.url) },
  {
    name: 'module loading (tsx, esbuild)',
    test: (f) => /tsx|esbuild|node:internal\/modules/.test(f.url),
  },
  {
    name: 'Commander code (apps, packages)',
    test: (f) => /\/(apps|packages)\/[^/]+\/src\//.test(f.url) && !f.url.includes('node_modules'),
  },
  { name: 'other npm packages', test: (f) => f.url.includes('node_modules') },
  {
    name: 'garbage collector',
    test: (f) => f.url === '' && f.functionName === '(garbage collector)',
  },
  {
    name: 'socket and file writes (native)',
    test: (f) =>
      f.url === '' &&
      /^(writev|writeBuffer|writeString|writeLatin1String|writeUtf8String)$/.test(f.functionName),
  },
  { name: 'Node.js internals and other native', test: () => true },
];

/** The npm package a script belongs to (`@scope/name` or `name`), from its URL. */
export function packageOf(url: string): string {
  const tail = url.slice(url.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const [first, second] = tail.split('/');
  return first?.startsWith('@') ? `${first}/${second ?? ''}` : (first ?? url);
}

/** How the catch-all components are broken down in `detail`. */
const DETAILED: Record<string, (frame: CallFrame) => string> = {
  'other npm packages': (f) => packageOf(f.url),
  'Node.js internals and other native': (f) =>
    f.url === '' ? `${f.functionName || '(anonymous)'} (native)` : f.functionName || f.url,
};

// `atomicsWaitLoop`: an idle piscina worker (the API's render pool) blocked in Atomics.wait; V8
// samples it as that function, though the thread is asleep (/proc shows no CPU for it).
const NOT_BUSY = new Set(['(idle)', 'atomicsWaitLoop']);

function readProfile(file: string): CpuProfile | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  } catch {
    return null;
  }
}

/** Now on the clock of V8's CPU profiles (CLOCK_MONOTONIC, µs), for analysis windows. */
export function profileClockNow(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Sums the self time of the samples taken between `fromUs` and `toUs` (profile clock) in the
 * `.cpuprofile` files of a folder (`node --cpu-prof --cpu-prof-dir`), by component. Idle time
 * is left out, so shares are of the time the process was on CPU.
 */
export function analyzeProfiles(files: string[], fromUs: number, toUs: number): ProfileBreakdown {
  const byComponent = new Map<string, number>();
  const details = new Map<string, Map<string, number>>();
  let busy = 0;
  for (const file of files) {
    const profile = readProfile(file);
    if (!profile) {
      continue;
    }
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const detailOf = new Map<number, string>();
    const componentOf = new Map<number, string | null>();
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i] ?? 0;
      at += delta;
      if (at < fromUs || at > toUs) {
        continue;
      }
      const id = profile.samples[i]!;
      let component = componentOf.get(id);
      if (component === undefined) {
        const frame = frames.get(id);
        component =
          !frame || NOT_BUSY.has(frame.functionName)
            ? null
            : (COMPONENTS.find((c) => c.test(frame))?.name ?? null);
        componentOf.set(id, component);
        if (frame && component && component in DETAILED) {
          detailOf.set(id, DETAILED[component]!(frame));
        }
      }
      if (component) {
        // Each sample stands for the time since the previous one.
        byComponent.set(component, (byComponent.get(component) ?? 0) + delta);
        busy += delta;
        const name = detailOf.get(id);
        if (name !== undefined) {
          const inner = details.get(component) ?? new Map<string, number>();
          inner.set(name, (inner.get(name) ?? 0) + delta);
          details.set(component, inner);
        }
      }
    }
  }
  const shares = [...byComponent.entries()]
    .map(([component, us]) => ({ component, share: busy > 0 ? us / busy : 0 }))
    .sort((a, b) => b.share - a.share);
  const detail: NonNullable<ProfileBreakdown['detail']> = {};
  for (const [component, inner] of details) {
    detail[component] = [...inner.entries()]
      .map(([name, us]) => ({ name, share: busy > 0 ? us / busy : 0 }))
      .sort((a, b) => b.share - a.share);
  }
  return { busyMs: busy / 1000, shares, detail };
}

/** The `.cpuprofile` files of the processes whose names start with `prefix` (one folder each). */
export function profileFiles(dir: string, prefix: string): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith(prefix))
    .flatMap((entry) =>
      readdirSync(path.join(dir, entry.name))
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => path.join(dir, entry.name, name)),
    );
}

/** A breakdown as `Prisma client runtime 31 %, …` (components of at least `minShare`). */
export function describeBreakdown(breakdown: ProfileBreakdown, minShare = 0.03): string {
  if (breakdown.shares.length === 0) {
    return 'no samples';
  }
  return breakdown.shares
    .filter((s) => s.share >= minShare)
    .map((s) => {
      const inner = (breakdown.detail?.[s.component] ?? [])
        .filter((d) => d.share >= 0.005)
        .slice(0, 4)
        .map((d) => `${d.name} ${(d.share * 100).toFixed(1)} %`);
      return `${s.component} ${Math.round(s.share * 100)} %${inner.length > 0 ? ` (${inner.join(', ')})` : ''}`;
    })
    .join(', ');
}
