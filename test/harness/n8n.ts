// The tests run nodes through the same n8n-core harness as the demo.
export * from '../../tools/harness';
