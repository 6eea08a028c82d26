import {
  type ChangeMode,
  CHECK_INTERVAL_MAX,
  CHECK_INTERVAL_MIN,
  type ClusterSettings,
  ClusterSettingsSchema,
} from '@commander/contracts';
import { Button, Group, NumberInput, Radio, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';

export type ClusterSettingsFormProps = {
  settings: ClusterSettings;
  canWrite: boolean;
  isSaving: boolean;
  onSave: (settings: ClusterSettings) => void;
};

type FormValues = { change_mode: ChangeMode; check_interval: number | string };

/** Change application mode (auto/manual) and the check interval in minutes. */
export function ClusterSettingsForm({
  settings,
  canWrite,
  isSaving,
  onSave,
}: ClusterSettingsFormProps) {
  const { t } = useTranslation();
  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: { change_mode: settings.change_mode, check_interval: settings.check_interval },
    validateInputOnChange: true,
    validate: {
      check_interval: (value) =>
        ClusterSettingsSchema.shape.check_interval.safeParse(
          value === '' ? undefined : Number(value),
        ).success
          ? null
          : t('clusterSettings.intervalRange', {
              min: CHECK_INTERVAL_MIN,
              max: CHECK_INTERVAL_MAX,
            }),
    },
  });
  const changed =
    form.values.change_mode !== settings.change_mode ||
    Number(form.values.check_interval) !== settings.check_interval;
  return (
    <form
      noValidate
      aria-label={t('clusterSettings.formLabel')}
      onSubmit={form.onSubmit((values) =>
        onSave({ change_mode: values.change_mode, check_interval: Number(values.check_interval) }),
      )}
    >
      <Stack gap="md">
        <Radio.Group
          label={t('clusterSettings.changeMode')}
          description={t('clusterSettings.changeModeHelp')}
          {...form.getInputProps('change_mode')}
        >
          <Stack gap="xs" mt={6}>
            <Radio
              value="auto"
              disabled={!canWrite}
              label={t('clusterSettings.modeAuto')}
              description={t('clusterSettings.modeAutoHelp')}
            />
            <Radio
              value="manual"
              disabled={!canWrite}
              label={t('clusterSettings.modeManual')}
              description={t('clusterSettings.modeManualHelp')}
            />
          </Stack>
        </Radio.Group>
        <NumberInput
          label={t('clusterSettings.checkInterval')}
          description={t('clusterSettings.checkIntervalHelp', {
            min: CHECK_INTERVAL_MIN,
            max: CHECK_INTERVAL_MAX,
          })}
          min={CHECK_INTERVAL_MIN}
          max={CHECK_INTERVAL_MAX}
          allowDecimal={false}
          allowNegative={false}
          disabled={!canWrite}
          w={260}
          {...form.getInputProps('check_interval')}
        />
        {canWrite && (
          <Group>
            <Button type="submit" loading={isSaving} disabled={!changed}>
              {t('clusterSettings.save')}
            </Button>
            {changed && (
              <Button variant="default" onClick={() => form.reset()}>
                {t('clusterSettings.discard')}
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </form>
  );
}
