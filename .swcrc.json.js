// The .swcrc options as a module, for @swc/jest (which does not read .swcrc with the jsc paths we need).
const fs = require('node:fs');
const path = require('node:path');
const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
module.exports = { ...swcrc, swcrc: false, sourceMaps: 'inline' };
