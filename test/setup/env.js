// Every test file gets its own n8n user folder, so n8n-core's InstanceSettings never touches ~/.n8n.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

// Inside the run's folder (global-setup.js), which global-teardown.js removes.
const root = process.env.TRADING_VENUES_TEST_ROOT ?? tmpdir();
process.env.N8N_USER_FOLDER = mkdtempSync(join(root, 'n8n-'));
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
