/**
 * A 200-line template with ranges in the shape of Commander's templates, and a hand-written JS
 * function producing the same text: the engine's correctness test and `pnpm bench render`'s
 * ceiling share them.
 */
export type BigTemplateValues = { name: string; hosts: { ip: string; name: string }[] };

const SECTIONS = 40;

export function bigTemplate(): string {
  let tpl = '';
  for (let i = 0; i < SECTIONS; i++) {
    tpl +=
      `section${i}:\n  name: {{ .name | quote }}\n` +
      '  {{- range $i, $h := .hosts }}\n  - host{{ $i }}: {{ $h.ip }} {{ $h.name | upper }}\n  {{- end }}\n';
  }
  return tpl;
}

export function bigTemplateValues(hosts = 5): BigTemplateValues {
  return {
    name: 'cluster',
    hosts: Array.from({ length: hosts }, (_, i) => ({ ip: `10.0.0.${i}`, name: `h${i}` })),
  };
}

/** What the template renders, written by hand: the fastest this output can be produced in JS. */
export function bigTemplateBaseline(values: BigTemplateValues): string {
  let out = '';
  for (let i = 0; i < SECTIONS; i++) {
    out += `section${i}:\n  name: ${JSON.stringify(values.name)}`;
    for (let h = 0; h < values.hosts.length; h++) {
      const host = values.hosts[h]!;
      out += `\n  - host${h}: ${host.ip} ${host.name.toUpperCase()}`;
    }
    out += '\n';
  }
  return out;
}
