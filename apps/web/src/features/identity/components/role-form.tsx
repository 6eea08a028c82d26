import { CreateRoleBodySchema, type Role } from '@commander/contracts';
import { permissionsOf } from '@commander/contracts';
import {
  Button,
  Checkbox,
  Group,
  Radio,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';

import type { RoleInput } from '../identity.api.js';

export type RoleFormProps = {
  /** The role to change (name and scope are fixed then); undefined: a new role. */
  role?: Role;
  /** Built-in roles are shown, not changed. */
  readOnly: boolean;
  isPending: boolean;
  onSubmit: (input: RoleInput) => void;
  onCancel: () => void;
};

/** Name, scope, description and the permissions (checkboxes for the scope's vocabulary). */
export function RoleForm({ role, readOnly, isPending, onSubmit, onCancel }: RoleFormProps) {
  const { t } = useTranslation();
  const form = useForm<RoleInput>({
    mode: 'controlled',
    initialValues: {
      name: role?.name ?? '',
      scope: role?.scope ?? 'workspace',
      description: role?.description ?? '',
      permissions: role?.permissions ?? [],
    },
    validateInputOnChange: true,
    validate: {
      name: (v) =>
        role !== undefined || CreateRoleBodySchema.shape.name.safeParse(v).success
          ? null
          : t('identity.roles.nameRule'),
      description: (v) => (v.length > 500 ? t('validation.tooLong', { max: 500 }) : null),
      permissions: (v) => (v.length === 0 ? t('identity.roles.permissionsRequired') : null),
    },
  });
  const available: readonly string[] = permissionsOf(form.values.scope);
  return (
    <form
      noValidate
      aria-label={
        role ? t('identity.roles.editTitle', { name: role.name }) : t('identity.roles.createTitle')
      }
      onSubmit={form.onSubmit((values) =>
        onSubmit({
          ...values,
          permissions: values.permissions.filter((p) => available.includes(p)),
        }),
      )}
    >
      <Stack>
        <TextInput
          label={t('identity.roles.name')}
          description={role ? undefined : t('identity.roles.nameRule')}
          required
          disabled={role !== undefined}
          data-autofocus
          {...form.getInputProps('name')}
        />
        <Radio.Group
          label={t('identity.roles.scope')}
          {...form.getInputProps('scope')}
          onChange={(value) => {
            form.setFieldValue('scope', value as RoleInput['scope']);
            // Permissions of the other scope do not apply.
            form.setFieldValue('permissions', []);
          }}
        >
          <Group mt={6}>
            <Radio
              value="workspace"
              disabled={role !== undefined}
              label={t('identity.roles.scopeWorkspace')}
            />
            <Radio
              value="global"
              disabled={role !== undefined}
              label={t('identity.roles.scopeGlobal')}
            />
          </Group>
        </Radio.Group>
        <Textarea
          label={t('identity.roles.description')}
          autosize
          minRows={2}
          disabled={readOnly}
          {...form.getInputProps('description')}
        />
        <Checkbox.Group
          label={t('identity.roles.permissions')}
          description={t('identity.roles.permissionsHelp')}
          required
          {...form.getInputProps('permissions')}
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing={6}>
            {available.map((permission) => (
              <Checkbox
                key={permission}
                value={permission}
                label={permission}
                disabled={readOnly}
                styles={{ label: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {readOnly ? t('actions.done') : t('actions.cancel')}
          </Button>
          {!readOnly && (
            <Button type="submit" loading={isPending}>
              {role ? t('identity.roles.save') : t('identity.roles.create')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
