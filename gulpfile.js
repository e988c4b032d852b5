// Copies node and credential icons, and the nodes' codex files (X.node.json), next to the compiled files in dist/.
// Only files whose copy in dist/ is missing or older are written, so `npm test` leaves an up-to-date dist/ alone.
const { statSync } = require('node:fs');
const { join } = require('node:path');
const { Transform } = require('node:stream');
const { src, dest } = require('gulp');

const OUT = 'dist';

/** Drops the files whose copy in OUT is at least as new as the source. */
function changedOnly() {
	return new Transform({
		objectMode: true,
		transform(file, _encoding, done) {
			let copy;
			try {
				copy = statSync(join(OUT, file.relative));
			} catch {
				return done(null, file);
			}
			done(null, copy.mtimeMs >= file.stat.mtimeMs ? undefined : file);
		},
	});
}

function buildIcons() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false })
		.pipe(changedOnly())
		.pipe(dest(OUT));
}

exports['build:icons'] = buildIcons;
