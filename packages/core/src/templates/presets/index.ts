// The preset templates Commander installs into every workspace: one per DKP placement (static
// hosts and every cloud provider DKP supports), and the inventory catalogs they use.

import { AWS } from './aws.js';
import { AZURE } from './azure.js';
import { type PresetCatalog, type PresetTemplate } from './common.js';
import { DYNAMIX } from './dynamix.js';
import { GCP } from './gcp.js';
import { HUAWEICLOUD } from './huaweicloud.js';
import { OPENSTACK } from './openstack.js';
import { STATIC } from './static.js';
import { VCD } from './vcd.js';
import { VSPHERE } from './vsphere.js';
import { YANDEX } from './yandex.js';
import { ZVIRT } from './zvirt.js';

export type { PresetCatalog, PresetTemplate } from './common.js';

/** Preset templates, by name. Changing a preset adds a new version on the next start. */
export const PRESET_TEMPLATES: PresetTemplate[] = [
  STATIC,
  YANDEX,
  OPENSTACK,
  VSPHERE,
  AWS,
  GCP,
  AZURE,
  VCD,
  ZVIRT,
  HUAWEICLOUD,
  DYNAMIX,
];

/** Catalogs the presets use, created (with their sample records) when missing. */
export const PRESET_CATALOGS: PresetCatalog[] = [
  {
    slug: 'static-hosts',
    name: 'Static hosts',
    usage: 'EXCLUSIVE',
    params: [
      {
        key: 'host',
        type: 'string',
        format: 'ipv4',
        title: 'IP address',
        identifier: true,
        unique: true,
        span: 2,
        i18n: { ru: { title: 'IP-адрес' } },
      },
      {
        key: 'hostname',
        type: 'string',
        title: 'Hostname',
        identifier: true,
        span: 2,
        i18n: { ru: { title: 'Имя хоста' } },
      },
    ],
    records: Array.from({ length: 8 }, (_, i) => ({
      host: `10.0.1.${11 + i}`,
      hostname: `node-${i + 1}`,
    })),
  },
];
