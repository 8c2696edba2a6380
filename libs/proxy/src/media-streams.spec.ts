import { Readable } from 'node:stream';
import { describeContentType, sniffMedia } from './content-sniff';
import { ByteWindow, parseRange, readAll } from './media-streams';

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-10', { start: 990, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=5-4', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    [undefined, null],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
    ['bytes=-', null],
  ])('%s of 1000 bytes → %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});

describe('ByteWindow', () => {
  it('passes only the window, across chunk boundaries, and ends there', async () => {
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    const chunks = [data.subarray(0, 7), data.subarray(7, 40), data.subarray(40, 41), data.subarray(41)];
    const out = await readAll(Readable.from(chunks).pipe(new ByteWindow({ start: 5, end: 40 })), 1000);
    expect(out.equals(data.subarray(5, 41))).toBe(true);
  });
});

describe('readAll', () => {
  it('refuses more than the cap', async () => {
    await expect(readAll(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), 15)).rejects.toThrow(/more than 15 bytes/);
  });
});

describe('sniffMedia', () => {
  const head = (hex: string, text = '') => Buffer.concat([Buffer.from(hex, 'hex'), Buffer.from(text, 'latin1')]);
  it.each([
    [head('89504e470d0a1a0a0000000d'), 'image/png'],
    [head('ffd8ffe000104a4649460001'), 'image/jpeg'],
    [head('', 'GIF89a\x01\x00\x01\x00'), 'image/gif'],
    [head('', 'RIFF\x24\x00\x00\x00WEBPVP8 '), 'image/webp'],
    [head('00000020', 'ftypisom\x00\x00\x02\x00'), 'video/mp4'],
    [head('1a45dfa3a3428681'), 'video/webm'],
  ])('recognises %s', (bytes, type) => {
    expect(sniffMedia(bytes)?.type).toBe(type);
  });

  it.each([
    ['HTML', head('', '<!DOCTYPE html><html>')],
    ['SVG', head('', '<svg xmlns="http://www.w3.org/2000/svg">')],
    ['AVIF (an ISO-BMFF image)', head('0000001c', 'ftypavif\x00\x00\x00\x00')],
    ['QuickTime', head('00000014', 'ftypqt  \x00\x00\x00\x00')],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffMedia(bytes)).toBeNull();
  });

  it('quotes only a well-formed upstream content type', () => {
    expect(describeContentType('text/html; charset=utf-8')).toBe('text/html');
    expect(describeContentType('<script>')).toBe('an unrecognised file');
    expect(describeContentType(undefined)).toBe('an unrecognised file');
  });
});
