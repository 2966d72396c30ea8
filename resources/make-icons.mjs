// Draws Gantry's icons as PNGs with zlib alone (no image library needed for a flat shape):
// a gantry crane — two legs and a beam — on a rounded square. Run: node resources/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
};

function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel((x + 0.5) / size, (y + 0.5) / size), 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const inRect = (u, v, x0, y0, x1, y1) => u >= x0 && u <= x1 && v >= y0 && v <= y1;
const crane = (u, v) => inRect(u, v, 0.2, 0.22, 0.8, 0.34) || inRect(u, v, 0.24, 0.22, 0.34, 0.8) || inRect(u, v, 0.66, 0.22, 0.76, 0.8) || inRect(u, v, 0.46, 0.34, 0.54, 0.56);
const roundedSquare = (u, v) => {
  const r = 0.18;
  const dx = Math.max(r - u, 0, u - (1 - r));
  const dy = Math.max(r - v, 0, v - (1 - r));
  return dx * dx + dy * dy <= r * r;
};

const appIcon = (u, v) => (!roundedSquare(u, v) ? [0, 0, 0, 0] : crane(u, v) ? [255, 255, 255, 255] : [37, 99, 235, 255]);
// Tray icons: a black crane on transparent, which macOS recolours as a template image.
const trayIcon = (u, v) => (crane(u, v) ? [0, 0, 0, 255] : [0, 0, 0, 0]);

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
writeFileSync(here('icon.png'), png(512, appIcon));
writeFileSync(here('trayTemplate.png'), png(16, trayIcon));
writeFileSync(here('trayTemplate@2x.png'), png(32, trayIcon));
