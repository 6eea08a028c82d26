import { z } from 'zod';

import { TimestampSchema } from './common.js';

/** Whether the agent deletes resources that disappear from a group (managed) or only labels them. */
export const ResourceSyncModeSchema = z.enum(['managed', 'unmanaged']);
export type ResourceSyncMode = z.infer<typeof ResourceSyncModeSchema>;

export const ResourceGroupTemplateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  sync_mode: ResourceSyncModeSchema.default('managed'),
  template: z.string(),
});
export type ResourceGroupTemplate = z.infer<typeof ResourceGroupTemplateSchema>;

/** The Go-template sections of a version (TEMPLATES.md). */
export const TemplateSectionsSchema = z.object({
  kubernetes_template: z.string(),
  placement_template: z.string(),
  ssh_template: z.string(),
  installation_template: z.string(),
  primary_resources_template: z.string(),
  resources: z.array(ResourceGroupTemplateSchema),
});
export type TemplateSections = z.infer<typeof TemplateSectionsSchema>;

/** Section names as they appear in render errors. */
export const TEMPLATE_SECTIONS = [
  'params',
  'kubernetes',
  'placement',
  'ssh',
  'installation',
  'primary_resources',
  'resources',
] as const;

export const ClusterTemplateVersionSchema = TemplateSectionsSchema.extend({
  id: z.uuid(),
  cluster_template_id: z.uuid(),
  number: z.number().int(),
  comment: z.string(),
  available: z.boolean(),
  params: z.array(z.record(z.string(), z.unknown())),
  created_by: z.string().nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type ClusterTemplateVersion = z.infer<typeof ClusterTemplateVersionSchema>;

export const ClusterTemplateSchema = z.object({
  id: z.uuid(),
  workspace_id: z.uuid(),
  name: z.string(),
  comment: z.string(),
  current_cluster_template_version_id: z.uuid().nullable(),
  current_revision: z.number().int(),
  immutable: z.boolean(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  archived_at: TimestampSchema.nullable(),
  archive_number: z.number().int().nullable(),
  clusters_count: z.number().int(),
  cluster_template_versions: z.array(ClusterTemplateVersionSchema),
});
export type ClusterTemplate = z.infer<typeof ClusterTemplateSchema>;

/** Params as a JSON list, or as the YAML text of one (what the template editor sends). */
export const ParamsInputSchema = z.union([z.array(z.record(z.string(), z.unknown())), z.string()]);

/** A new template version: its input schema and sections (absent sections are empty). */
export const CreateTemplateVersionBodySchema = z.strictObject({
  comment: z.string().max(2000).default(''),
  params: ParamsInputSchema.default([]),
  kubernetes_template: z.string().max(500_000).default(''),
  placement_template: z.string().max(500_000).default(''),
  ssh_template: z.string().max(500_000).default(''),
  installation_template: z.string().max(500_000).default(''),
  primary_resources_template: z.string().max(500_000).default(''),
  resources: z.array(ResourceGroupTemplateSchema).max(100).default([]),
  available: z.boolean().default(true),
});
export type CreateTemplateVersionBody = z.input<typeof CreateTemplateVersionBodySchema>;

export const UpdateTemplateVersionBodySchema = z.strictObject({
  comment: z.string().max(2000).optional(),
  available: z.boolean().optional(),
});

export const CreateClusterTemplateBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  comment: z.string().max(2000).default(''),
  immutable: z.boolean().default(false),
  /** The first version; an empty one when absent. */
  version: CreateTemplateVersionBodySchema.optional(),
});
export type CreateClusterTemplateBody = z.input<typeof CreateClusterTemplateBodySchema>;

export const UpdateClusterTemplateBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  comment: z.string().max(2000).default(''),
  immutable: z.boolean().optional(),
  current_revision: z.number().int().optional(),
});

/** Import from text: an export document (YAML or JSON) of a template with its versions. */
export const ImportClusterTemplateBodySchema = z.strictObject({
  content: z.string().min(1).max(5_000_000),
  /** Add the document's versions to this existing template instead of creating one. */
  cluster_template_id: z.uuid().optional(),
  /** Name for the new template (default: the document's name). */
  name: z.string().trim().min(1).max(200).optional(),
});

export const ExportQuerySchema = z.object({ format: z.enum(['yaml', 'json']).default('yaml') });

/** Render preview: a stored version, or sections given inline (the editor's unsaved text). */
export const RenderBodySchema = z.strictObject({
  cluster_template_version_id: z.uuid().optional(),
  template: CreateTemplateVersionBodySchema.optional(),
  values: z.record(z.string(), z.unknown()).default({}),
  /** Render as this existing cluster (its UUID, SSH key and stored secrets). */
  cluster_id: z.uuid().optional(),
  /**
   * Render with the real secret values (stored secrets and SSH private key of `cluster_id`,
   * secret values given here); needs clusters:secrets:read. Otherwise every secret is rendered
   * as a `<secret:key>` placeholder.
   */
  reveal: z.boolean().optional(),
});
export type RenderBody = z.input<typeof RenderBodySchema>;

export const RenderResponseSchema = z.object({
  /** Rendered text by section (null for a section that failed to render). */
  sections: z.record(z.string(), z.string().nullable()),
  errors: z.array(
    z.object({
      section: z.string(),
      document: z.number().int().nullable().optional(),
      line: z.number().int().nullable().optional(),
      column: z.number().int().nullable().optional(),
      field: z.string().nullable().optional(),
      message: z.string(),
    }),
  ),
  /** Values that do not match the input schema (path = field key). */
  value_errors: z.array(z.object({ path: z.string(), message: z.string() })),
  cluster_type: z.string().nullable(),
});
export type RenderResponse = z.infer<typeof RenderResponseSchema>;

export const SwitchVersionBodySchema = z.strictObject({
  cluster_template_version_id: z.uuid(),
  cluster_ids: z.array(z.uuid()).min(1).max(500),
});

export const SwitchVersionResultSchema = z.array(
  z.object({
    cluster_id: z.uuid(),
    ok: z.boolean(),
    status: z.string().nullable(),
    error: z
      .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
      .nullable(),
  }),
);

/**
 * Russian names and comments of the preset templates Commander ships, by their canonical
 * (English) name, with the shipped English comment. The stored name stays English (it identifies
 * the preset on upgrades); the web app shows these in Russian. A renamed preset, or one whose
 * comment was edited, is shown as stored.
 */
export const PRESET_TEMPLATE_TRANSLATIONS: Readonly<
  Record<string, { en: { comment: string }; ru: { name: string; comment: string } }>
> = {
  'Static cluster': {
    en: {
      comment:
        'DKP on existing machines reached over SSH; masters come from the "Static hosts" inventory.',
    },
    ru: {
      name: 'Статический кластер',
      comment:
        'DKP на существующих машинах, доступных по SSH; master-узлы берутся из каталога «Static hosts».',
    },
  },
  'Yandex Cloud cluster': {
    en: {
      comment: 'DKP in Yandex Cloud: Commander creates the network and the masters with dhctl.',
    },
    ru: {
      name: 'Кластер в Yandex Cloud',
      comment: 'DKP в Yandex Cloud: Commander создаёт сеть и master-узлы с помощью dhctl.',
    },
  },
  'OpenStack cluster': {
    en: {
      comment:
        'DKP in OpenStack: dhctl creates the network, router and masters; workers scale through OpenStackInstanceClass.',
    },
    ru: {
      name: 'Кластер в OpenStack',
      comment:
        'DKP в OpenStack: dhctl создаёт сеть, маршрутизатор и master-узлы; рабочие узлы масштабируются через OpenStackInstanceClass.',
    },
  },
  'VMware vSphere cluster': {
    en: {
      comment:
        'DKP in VMware vSphere: a datacenter is the region and clusters are zones (vSphere tags); workers scale through VsphereInstanceClass.',
    },
    ru: {
      name: 'Кластер в VMware vSphere',
      comment:
        'DKP в VMware vSphere: датацентр — регион, кластеры — зоны (теги vSphere); рабочие узлы масштабируются через VsphereInstanceClass.',
    },
  },
  'AWS cluster': {
    en: {
      comment:
        'DKP in Amazon Web Services: dhctl creates the VPC and the masters; workers scale through AWSInstanceClass.',
    },
    ru: {
      name: 'Кластер в AWS',
      comment:
        'DKP в Amazon Web Services: dhctl создаёт VPC и master-узлы; рабочие узлы масштабируются через AWSInstanceClass.',
    },
  },
  'Google Cloud cluster': {
    en: {
      comment:
        'DKP in Google Cloud Platform: dhctl creates the VPC and the masters; workers scale through GCPInstanceClass.',
    },
    ru: {
      name: 'Кластер в Google Cloud',
      comment:
        'DKP в Google Cloud Platform: dhctl создаёт VPC и master-узлы; рабочие узлы масштабируются через GCPInstanceClass.',
    },
  },
  'Azure cluster': {
    en: {
      comment:
        'DKP in Microsoft Azure: dhctl creates the virtual network and the masters; workers scale through AzureInstanceClass.',
    },
    ru: {
      name: 'Кластер в Azure',
      comment:
        'DKP в Microsoft Azure: dhctl создаёт виртуальную сеть и master-узлы; рабочие узлы масштабируются через AzureInstanceClass.',
    },
  },
  'VMware Cloud Director cluster': {
    en: {
      comment:
        'DKP in VMware Cloud Director: masters in a vApp of the virtual data center; workers scale through VCDInstanceClass.',
    },
    ru: {
      name: 'Кластер в VMware Cloud Director',
      comment:
        'DKP в VMware Cloud Director: master-узлы в vApp виртуального дата-центра; рабочие узлы масштабируются через VCDInstanceClass.',
    },
  },
  'zVirt cluster': {
    en: {
      comment:
        'DKP in zVirt (oVirt): masters from a VM template in a zVirt cluster; workers scale through ZvirtInstanceClass.',
    },
    ru: {
      name: 'Кластер в zVirt',
      comment:
        'DKP в zVirt (oVirt): master-узлы из шаблона ВМ в кластере zVirt; рабочие узлы масштабируются через ZvirtInstanceClass.',
    },
  },
  'Huawei Cloud cluster': {
    en: {
      comment:
        'DKP in Huawei Cloud (and Cloud.ru Advanced): dhctl creates the network and the masters; workers scale through HuaweiCloudInstanceClass.',
    },
    ru: {
      name: 'Кластер в Huawei Cloud',
      comment:
        'DKP в Huawei Cloud (и Cloud.ru Advanced): dhctl создаёт сеть и master-узлы; рабочие узлы масштабируются через HuaweiCloudInstanceClass.',
    },
  },
  'Basis.DynamiX cluster': {
    en: {
      comment:
        'DKP in Basis.DynamiX: masters in an account of a grid; workers scale through DynamixInstanceClass.',
    },
    ru: {
      name: 'Кластер в Basis.DynamiX',
      comment:
        'DKP в Basis.DynamiX: master-узлы в аккаунте grid; рабочие узлы масштабируются через DynamixInstanceClass.',
    },
  },
};

/** The name and comment of a template as shown in `language` (presets have translations). */
export function templateDisplay(
  template: { name: string; comment: string },
  language: string | undefined,
): { name: string; comment: string } {
  const base = language?.toLowerCase().split(/[-_]/)[0];
  const preset = base === 'ru' ? PRESET_TEMPLATE_TRANSLATIONS[template.name] : undefined;
  if (!preset) {
    return { name: template.name, comment: template.comment };
  }
  // A user may have edited the comment of a preset: only the shipped one is translated.
  const comment = template.comment === preset.en.comment ? preset.ru.comment : template.comment;
  return { name: preset.ru.name, comment };
}
