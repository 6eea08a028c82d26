import { AttachClusterBodySchema } from '@commander/contracts';
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { YamlField } from '../../../components/ui/code-editor.js';
import { isApiError } from '../../../lib/api-client.js';
import { fieldRule } from '../../../lib/validation.js';
import { composeConnectionConfig } from '../connection-config.js';
import { useAttachCluster } from '../lifecycle.api.js';

export type AttachFormValues = {
  name: string;
  sshUser: string;
  sshPort: number | string;
  privateKey: string;
  passphrase: string;
  hosts: string[];
  useBastion: boolean;
  bastionHost: string;
  bastionPort: number | string;
  bastionUser: string;
};

const HOST = /^[A-Za-z0-9.:[\]-]+$/;

function port(value: number | string): number | null {
  const n = Number(value);
  return value !== '' && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
}

/** The YAML the API gets, from what the form holds so far. */
export function connectionConfigOf(values: AttachFormValues): string {
  return composeConnectionConfig({
    sshUser: values.sshUser,
    sshPort: port(values.sshPort) ?? 22,
    privateKey: values.privateKey,
    passphrase: values.passphrase,
    hosts: values.hosts,
    bastion: values.useBastion
      ? { host: values.bastionHost, port: port(values.bastionPort), user: values.bastionUser }
      : { host: '', port: null, user: '' },
  });
}

/** Errors of the attach form by field path (`hosts.0`…); empty when it can be sent. */
export function validateAttach(
  values: AttachFormValues,
  nameRule: (value: unknown) => string | null,
  t: TFunction,
): Record<string, string | null> {
  const errors: Record<string, string | null> = {
    name: nameRule(values.name),
    sshUser: values.sshUser.trim() === '' ? t('validation.required') : null,
    sshPort: port(values.sshPort) === null ? t('attach.portRange') : null,
    privateKey:
      values.privateKey.trim() === ''
        ? t('validation.required')
        : /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(values.privateKey)
          ? null
          : t('attach.keyFormat'),
    bastionHost: !values.useBastion
      ? null
      : values.bastionHost.trim() === ''
        ? t('validation.required')
        : HOST.test(values.bastionHost.trim())
          ? null
          : t('attach.hostFormat'),
    bastionPort:
      values.useBastion && values.bastionPort !== '' && port(values.bastionPort) === null
        ? t('attach.portRange')
        : null,
  };
  const none = values.hosts.every((h) => h.trim() === '');
  values.hosts.forEach((host, index) => {
    const value = host.trim();
    // The first host is required; further empty rows are skipped.
    errors[`hosts.${index}`] =
      value === ''
        ? index === 0 && none
          ? t('attach.hostRequired')
          : null
        : HOST.test(value)
          ? null
          : t('attach.hostFormat');
  });
  return Object.fromEntries(Object.entries(errors).filter(([, v]) => v !== null));
}

/**
 * "Attach cluster": name and SSH access to the masters of an existing DKP cluster. The form
 * composes dhctl's connection config (SSHConfig + SSHHost documents) and shows it; Commander
 * scans the cluster, which then waits to join.
 */
export function AttachClusterModal({
  slug,
  opened,
  onClose,
}: {
  slug: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const attach = useAttachCluster(slug);
  const nameRule = fieldRule(AttachClusterBodySchema.shape.name, t);
  const form = useForm<AttachFormValues>({
    mode: 'controlled',
    initialValues: {
      name: '',
      sshUser: 'ubuntu',
      sshPort: 22,
      privateKey: '',
      passphrase: '',
      hosts: [''],
      useBastion: false,
      bastionHost: '',
      bastionPort: 22,
      bastionUser: '',
    },
    validateInputOnChange: true,
    validate: (values) => validateAttach(values, nameRule, t),
  });
  const close = () => {
    form.reset();
    attach.reset();
    onClose();
  };
  const yaml = connectionConfigOf(form.values);
  const configError = attach.error && !isApiError(attach.error, 'name_taken') ? attach.error : null;

  return (
    <Modal opened={opened} onClose={close} title={t('attach.title')} size="xl">
      <form
        noValidate
        aria-label={t('attach.title')}
        onSubmit={form.onSubmit((values) =>
          attach.mutate(
            { name: values.name.trim(), connection_config: connectionConfigOf(values) },
            {
              onSuccess: (cluster) => {
                close();
                void navigate(`/w/${slug}/clusters/${cluster.id}`);
              },
              onError: (error) => {
                if (isApiError(error, 'name_taken')) {
                  form.setFieldError('name', error.message);
                }
              },
            },
          ),
        )}
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('attach.description')}
          </Text>
          <TextInput
            label={t('attach.name')}
            description={t('attach.nameHelp')}
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('attach.sshUser')} required {...form.getInputProps('sshUser')} />
            <NumberInput
              label={t('attach.sshPort')}
              required
              min={1}
              max={65535}
              allowDecimal={false}
              {...form.getInputProps('sshPort')}
            />
          </SimpleGrid>
          <Textarea
            label={t('attach.privateKey')}
            description={t('attach.privateKeyHelp')}
            required
            autosize
            minRows={4}
            maxRows={10}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            spellCheck={false}
            {...form.getInputProps('privateKey')}
          />
          <PasswordInput
            label={t('attach.passphrase')}
            description={t('attach.passphraseHelp')}
            autoComplete="off"
            {...form.getInputProps('passphrase')}
          />
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t('attach.hosts')}
            </Text>
            {form.values.hosts.map((_, index) => (
              <Group key={form.key(`hosts.${index}`)} align="flex-start" wrap="nowrap">
                <TextInput
                  flex={1}
                  label={t('attach.hostLabel', { number: index + 1 })}
                  placeholder="10.0.0.5"
                  required={index === 0}
                  {...form.getInputProps(`hosts.${index}`)}
                />
                {form.values.hosts.length > 1 && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mt={26}
                    size="lg"
                    aria-label={t('attach.removeHost', { number: index + 1 })}
                    onClick={() => form.removeListItem('hosts', index)}
                  >
                    <IconTrash size={16} aria-hidden />
                  </ActionIcon>
                )}
              </Group>
            ))}
            <Group>
              <Button
                variant="subtle"
                size="xs"
                leftSection={<IconPlus size={14} aria-hidden />}
                onClick={() => form.insertListItem('hosts', '')}
              >
                {t('attach.addHost')}
              </Button>
            </Group>
          </Stack>
          <Switch
            label={t('attach.useBastion')}
            description={t('attach.useBastionHelp')}
            {...form.getInputProps('useBastion', { type: 'checkbox' })}
          />
          {form.values.useBastion && (
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label={t('attach.bastionHost')}
                required
                {...form.getInputProps('bastionHost')}
              />
              <NumberInput
                label={t('attach.bastionPort')}
                min={1}
                max={65535}
                allowDecimal={false}
                {...form.getInputProps('bastionPort')}
              />
              <TextInput
                label={t('attach.bastionUser')}
                description={t('attach.bastionUserHelp')}
                {...form.getInputProps('bastionUser')}
              />
            </SimpleGrid>
          )}
          <YamlField
            label={t('attach.preview')}
            description={t('attach.previewHelp')}
            value={yaml}
            readOnly
            maxHeight="280px"
          />
          {configError && (
            <Alert
              color="red"
              variant="light"
              role="alert"
              icon={<IconAlertTriangle aria-hidden />}
              title={t('attach.failed')}
            >
              {configError.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={attach.isPending}>
              {t('attach.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
