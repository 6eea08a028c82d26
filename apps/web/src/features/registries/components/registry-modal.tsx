import type { Registry } from '@commander/contracts';
import {
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { type RegistryInput, useSaveRegistry } from '../registries.api.js';

/** "set" / "not set": credentials are write-only, so this is all the UI ever knows of them. */
export function CredentialsBadge({ set }: { set: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={set ? 'teal' : 'gray'} tt="none">
      {set ? t('registries.credentials.set') : t('registries.credentials.notSet')}
    </Badge>
  );
}

/** Creates (registry null) or edits a registry. Credentials are never prefilled. */
export function RegistryModal({
  slug,
  registry,
  opened,
  onClose,
}: {
  slug: string;
  registry: Registry | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveRegistry(slug);
  const [name, setName] = useState(registry?.name ?? '');
  const [imagesRepo, setImagesRepo] = useState(registry?.images_repo ?? '');
  const [scheme, setScheme] = useState<Registry['scheme']>(registry?.scheme ?? 'HTTPS');
  const [ca, setCa] = useState(registry?.ca ?? '');
  const [auth, setAuth] = useState('');
  const [clearAuth, setClearAuth] = useState(false);

  const submit = () => {
    const body: RegistryInput = {
      name,
      images_repo: imagesRepo.trim(),
      scheme,
      ca,
      ...(clearAuth ? { auth: '' } : auth.trim() !== '' ? { auth: auth.trim() } : {}),
      ...(registry ? { current_revision: registry.current_revision } : {}),
    };
    save.mutate({ id: registry?.id ?? null, body }, { onSuccess: onClose });
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      size="lg"
      title={registry ? t('registries.edit.title') : t('registries.create.title')}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="md">
          <TextInput
            label={t('registries.fields.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <TextInput
            label={t('registries.fields.imagesRepo')}
            description={t('registries.fields.imagesRepoHelp')}
            placeholder="registry.example.com/deckhouse/ee"
            required
            value={imagesRepo}
            onChange={(e) => setImagesRepo(e.currentTarget.value)}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('registries.fields.scheme')}
            </Text>
            <SegmentedControl
              aria-label={t('registries.fields.scheme')}
              data={['HTTPS', 'HTTP']}
              value={scheme}
              onChange={(v) => setScheme(v === 'HTTP' ? 'HTTP' : 'HTTPS')}
            />
          </Stack>
          <Textarea
            label={t('registries.fields.ca')}
            description={t('registries.fields.caHelp')}
            placeholder="-----BEGIN CERTIFICATE-----"
            autosize
            minRows={3}
            maxRows={10}
            ff="monospace"
            value={ca}
            onChange={(e) => setCa(e.currentTarget.value)}
          />
          <Stack gap={4}>
            <Group gap="xs">
              <Text size="sm" fw={500}>
                {t('registries.fields.auth')}
              </Text>
              {registry && <CredentialsBadge set={registry.has_auth} />}
            </Group>
            <Textarea
              aria-label={t('registries.fields.auth')}
              description={
                registry?.has_auth
                  ? t('registries.fields.authKeepHelp')
                  : t('registries.fields.authHelp')
              }
              autoComplete="off"
              spellCheck={false}
              autosize
              minRows={2}
              maxRows={6}
              ff="monospace"
              disabled={clearAuth}
              value={auth}
              onChange={(e) => setAuth(e.currentTarget.value)}
            />
            {registry?.has_auth && (
              <Checkbox
                label={t('registries.fields.authClear')}
                checked={clearAuth}
                onChange={(e) => setClearAuth(e.currentTarget.checked)}
              />
            )}
          </Stack>
          {save.error && <ErrorAlert error={save.error} title={t('registries.saveFailed')} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('registries.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
