// What goes with a deleted function: its asynchronous settings and queued events, its
// resource policy, its URLs and provisioned concurrency (event source mappings stay, as on
// AWS, and fail until the function exists again).
import { deleteBlob } from '../../core/blobs.js';
import { st, versionsOf } from './common.js';
import { layerByArn } from './layers.js';
import type { FnConfig } from './state.js';

export function forgetFunction(scope: { accountId: string; region: string }, name: string): void {
  const s = st(scope);
  const mine = (k: string) => k.startsWith(`${name}:`);
  for (const c of [s.eventInvokeConfigs, s.policies, s.urls, s.provisioned]) for (const k of [...c.keys()]) if (mine(k)) c.delete(k);
  for (const [k, ev] of [...s.asyncEvents.entries()]) if (ev.function === name) s.asyncEvents.delete(k);
}

/** What goes with a deleted version or alias: the settings made for that qualifier. */
export function forgetQualifier(scope: { accountId: string; region: string }, name: string, qualifier: string): void {
  const s = st(scope);
  const key = `${name}:${qualifier}`;
  for (const c of [s.eventInvokeConfigs, s.policies, s.urls, s.provisioned]) c.delete(key);
}

/**
 * A deleted layer version keeps its content while functions use it (as on AWS); once the last
 * configuration using it is gone (deleted or given other layers), the content goes too.
 */
export function releaseLayers(scope: { accountId: string; region: string }, gone: FnConfig[]): void {
  const s = st(scope);
  const used = new Set<string>();
  for (const f of s.functions.values()) for (const c of [f.latest, ...versionsOf(scope, f.name)]) for (const l of c.Layers ?? []) used.add(l.Arn);
  for (const c of gone) {
    (c.Layers ?? []).forEach((l, i) => {
      const blob = c.layerBlobs?.[i]?.blobId;
      // Only this account and region's own layers: another scope's functions may share theirs.
      const own = l.Arn.split(':')[3] === scope.region && l.Arn.split(':')[4] === scope.accountId;
      if (blob && own && !used.has(l.Arn) && !layerByArn(l.Arn)) { deleteBlob(blob); used.add(l.Arn); }
    });
  }
}
