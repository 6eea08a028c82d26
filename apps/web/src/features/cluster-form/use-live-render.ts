import type { TemplateSections } from '@commander/contracts';
import {
  renderClusterConfiguration,
  type RenderResult,
  secretPlaceholder,
  type SpecialVariables,
} from '@commander/renderer';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo } from 'react';

/** How long typing pauses before the preview renders again. */
export const RENDER_DEBOUNCE_MS = 250;

/**
 * The special variables the browser renders with. The SSH key pair and the CA bundle never
 * reach the browser and a new cluster has no UUID yet, so those are placeholders (the private
 * key as `<secret:dc_sshPrivateKey>`, as the server shows it to callers); the domain is
 * the host the UI is served from (Commander's public host).
 */
export function previewSpecials(clusterUuid: string | null): SpecialVariables {
  return {
    dc_sshPublicKey: 'ssh-ed25519 <public-key-generated-for-the-cluster>',
    dc_sshPrivateKey: secretPlaceholder('dc_sshPrivateKey'),
    dc_clusterUUID: clusterUuid ?? '<cluster-uuid>',
    dc_domain: typeof window === 'undefined' ? 'commander.example.com' : window.location.host,
    dc_caBundle: '<commander-ca-bundle-base64>',
  };
}

/**
 * Renders a template with values in the browser, as the server will (same renderer), a moment
 * after the last change. Null while there is nothing to render.
 */
export function useLiveRender(
  sections: TemplateSections | null,
  values: Record<string, unknown>,
  specials: SpecialVariables,
): { result: RenderResult | null; isStale: boolean } {
  const input = useMemo(() => ({ sections, values, specials }), [sections, values, specials]);
  const [debounced] = useDebouncedValue(input, RENDER_DEBOUNCE_MS);
  const result = useMemo(() => {
    if (debounced.sections === null) {
      return null;
    }
    try {
      return renderClusterConfiguration(debounced.sections, debounced.values, debounced.specials);
    } catch (error) {
      // The renderer reports template problems as errors; a throw is a bug worth seeing.
      const message = error instanceof Error ? error.message : String(error);
      const failed: RenderResult = {
        rendered: null,
        texts: {},
        documents: {},
        errors: [{ section: 'render', message }],
        facts: {
          clusterType: null,
          cloudProvider: null,
          kubernetesVersion: null,
          connectionHosts: { masters: [] },
        },
      };
      return failed;
    }
  }, [debounced]);
  return { result, isStale: debounced !== input };
}
