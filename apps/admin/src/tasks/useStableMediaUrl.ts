import { useRef } from 'react';

const EXPIRY_MARGIN_S = 60;

function sameMedia(a: string, b: string): boolean {
  try {
    const x = new URL(a, window.location.origin);
    const y = new URL(b, window.location.origin);
    x.searchParams.delete('exp');
    x.searchParams.delete('sig');
    y.searchParams.delete('exp');
    y.searchParams.delete('sig');
    return x.toString() === y.toString();
  } catch {
    return a === b;
  }
}

function expiresAt(url: string): number {
  try {
    const exp = Number(new URL(url, window.location.origin).searchParams.get('exp'));
    return Number.isFinite(exp) && exp > 0 ? exp : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * Signed media links get a new `exp`/`sig` on every read; a finished task's image does not change, so keep the URL
 * the browser already loaded (no reload, no flicker on each refresh) until it is about to expire.
 */
export function useStableMediaUrl(url: string, finished: boolean): string {
  const kept = useRef(url);
  const previous = kept.current;
  const keep = finished && previous && url && sameMedia(previous, url) && expiresAt(previous) > Date.now() / 1000 + EXPIRY_MARGIN_S;
  if (!keep) kept.current = url;
  return kept.current;
}
