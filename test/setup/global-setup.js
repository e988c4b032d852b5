// The tests run on Node 24 (n8n 2.x's runtime); `npm test` provisions it through scripts/toolchain.sh.
module.exports = async () => {
	const major = Number(process.versions.node.split('.')[0]);
	if (major < 24) {
		throw new Error(`Tests need Node.js 24 or later (running ${process.version}); run them with \`npm test\`.`);
	}
};
