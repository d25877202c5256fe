/** The provider latencies the benchmark runs at (issue 3, "Benchmark"), real ms. */
export interface ProviderLatency {
  /** Request → first streamed token. */
  llmFirstTokenMs: number;
  /** Between streamed tokens (~4 characters each). */
  llmTokenIntervalMs: number;
  /** Request → first audio byte. */
  ttsFirstByteMs: number;
  /** Audio → transcript message, on top of Deepgram's interim cadence (250 ms of audio). */
  sttLatencyMs: number;
}

export const BENCH_LATENCY: Readonly<ProviderLatency> = Object.freeze({
  llmFirstTokenMs: 300,
  llmTokenIntervalMs: 15,
  ttsFirstByteMs: 150,
  sttLatencyMs: 100,
});
