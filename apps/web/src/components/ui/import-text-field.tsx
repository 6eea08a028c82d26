import { Button, FileButton, Group, Text, Textarea } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export type ImportTextFieldProps = {
  /** The file picker's `accept`. */
  accept: string;
  uploadLabel: string;
  label: string;
  value: string;
  error: string | null;
  /** The text typed, pasted or read from the chosen file. */
  onChange: (text: string) => void;
};

/** Text to import: typed or pasted, or read from a file (whose name is then shown). */
export function ImportTextField({
  accept,
  uploadLabel,
  label,
  value,
  error,
  onChange,
}: ImportTextFieldProps) {
  const { t } = useTranslation();
  const [fileName, setFileName] = useState<string | null>(null);
  return (
    <>
      <Group gap="sm">
        <FileButton
          accept={accept}
          onChange={(file) => {
            if (!file) {
              return;
            }
            setFileName(file.name);
            void file.text().then(onChange);
          }}
        >
          {(props) => (
            <Button variant="default" leftSection={<IconUpload size={16} aria-hidden />} {...props}>
              {uploadLabel}
            </Button>
          )}
        </FileButton>
        {fileName && (
          <Text size="sm" c="dimmed">
            {t('tpl.import.fileLoaded', { name: fileName })}
          </Text>
        )}
      </Group>
      <Textarea
        label={label}
        required
        autosize
        minRows={10}
        maxRows={24}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        value={value}
        error={error}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
    </>
  );
}
