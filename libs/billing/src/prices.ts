/** Quota units per US dollar, as in the old gateway. */
export const QUOTA_PER_USD = 500_000;

/** Default USD per call (reference gateway §2), one for every action the relay bills; INPAINT and CUSTOM_ZOOM cost nothing, their MODAL does. */
const DEFAULT_USD: Record<string, number> = {
  IMAGINE: 0.1,
  DESCRIBE: 0.05,
  BLEND: 0.1,
  SHORTEN: 0.1,
  UPSCALE: 0.05,
  UPSCALE_HD: 0.05,
  VARIATION: 0.1,
  REROLL: 0.1,
  HIGH_VARIATION: 0.1,
  LOW_VARIATION: 0.1,
  PAN: 0.1,
  ZOOM: 0.1,
  INPAINT: 0,
  CUSTOM_ZOOM: 0,
  MODAL: 0.1,
  SWAP_FACE: 0.05,
  UPLOAD: 0.05,
  VIDEO: 0.8,
  // Billed at the fallback's price before it was listed; listed so an admin sees and can set it.
  VIDEO_EXTEND: 0.1,
  EDIT: 0.1,
  PIC_READER: 0.1,
};

/** An action without a price of its own costs what an IMAGINE costs. */
export const FALLBACK_ACTION = 'IMAGINE';

export const DEFAULT_PRICES: Record<string, number> = Object.fromEntries(
  Object.entries(DEFAULT_USD).map(([action, usd]) => [action, Math.round(usd * QUOTA_PER_USD)]),
);

/** What an action costs when no admin set its price. */
export const defaultPrice = (action: string): number => DEFAULT_PRICES[action] ?? DEFAULT_PRICES[FALLBACK_ACTION];
