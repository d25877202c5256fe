/** Prints the benchmark's figures as a table, with the issue's targets beside them. */
import type { BenchResults } from './report.js';
import type { Distribution } from './stats.js';

export function printResults(r: BenchResults): void {
  const out: string[] = [];
  const fmt = (v: number | undefined) => (v === undefined ? '—' : String(Math.round(v)));
  const row = (label: string, d: Distribution, target = '', ok?: boolean) =>
    out.push(
      `${label.padEnd(54)}${String(d.n).padStart(4)}${fmt(d.p50).padStart(8)}${fmt(d.p95).padStart(8)}${fmt(d.max).padStart(8)}   ${target}${ok === undefined ? '' : ok ? '  ok' : '  MISSED'}`,
    );
  const count = (label: string, value: string, target = '', ok?: boolean) =>
    out.push(`${label.padEnd(54)}${value.padStart(28)}   ${target}${ok === undefined ? '' : ok ? '  ok' : '  MISSED'}`);
  const le = (v: number | undefined, limit: number) => (v === undefined ? undefined : v <= limit);
  const o = r.ours;
  const l = r.latency;
  out.push(
    `Voice-to-voice benchmark  ${r.date}  node ${r.machine.node}, ${r.machine.cpus ?? '?'} cores, ${r.wallS} s`,
    `Load average ${r.machine.loadAverage.join(' ')} (other work shares this machine); during the calls this process used ` +
      `${Math.round(r.host.cpuShareOfOneCore * 100)}% of a core, event loop late by p50 ${r.host.eventLoopDelayMs.p50} / ` +
      `p99 ${r.host.eventLoopDelayMs.p99} / max ${r.host.eventLoopDelayMs.max} ms. Hold on the caller's voice ${r.bargeInHoldOnVoice ? 'on (default)' : 'off (--no-hold)'}.`,
    `Providers: LLM first token ${l.llmFirstTokenMs} ms + ${l.llmTokenIntervalMs} ms/token, TTS first byte ${l.ttsFirstByteMs} ms, ` +
      `STT +${l.sttLatencyMs} ms on a 250 ms interim cadence. Agent voice ×${r.agentVoiceSpeed} in fluent/hesitant calls.`,
    `Calls: ${r.calls.map((c) => `${c.scenario} ${c.turns}t`).join(', ')}; ${o.turns} turns, ${o.speculativeTurns} answered by a speculation.`,
    '',
    `${'ms'.padEnd(54)}${'n'.padStart(4)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}   target`,
  );
  const v = o.voiceToVoiceSentMs;
  row('voice-to-voice: speech end → first audio sent', v, 'p50 ≤ 800, p95 ≤ 1100', le(v.p50, 800) && le(v.p95, 1100));
  row('voice-to-voice: speech end → first audio heard', o.voiceToVoiceHeardMs);
  row('  checked at the phone: scripted end → first frame', o.voiceToVoiceAtPhoneMs);
  row('  fluent calls', o.voiceToVoiceSentByScenarioMs.fluent);
  row('  hesitant call', o.voiceToVoiceSentByScenarioMs.hesitant);
  row('  talk-over call', o.voiceToVoiceSentByScenarioMs.talkOver);
  row('  turns with one LLM request', o.voiceToVoiceSentByLlmRequestsMs.one);
  row('  turns whose first LLM reply was a tool call', o.voiceToVoiceSentByLlmRequestsMs.twoToolCallFirst);
  row('greeting: stream start → first frame at the phone', o.greetingMs, '≤ 150', le(o.greetingMs.p95, 150));
  row('commit delay after the last word', o.commitDelayMs);
  row('  fluent', o.commitDelayByScenarioMs.fluent);
  row('  hesitant', o.commitDelayByScenarioMs.hesitant);
  row('speech end → LLM request sent: speculative turns', o.speechEndToLlmRequestMs.speculative);
  row('                                  other turns', o.speechEndToLlmRequestMs.atCommit);
  row('where it goes: commit → LLM first token', o.spansMs.commitToFirstToken);
  row('              LLM first token → TTS first byte', o.spansMs.firstTokenToTtsFirstByte);
  row('              TTS first byte → first frame sent', o.spansMs.ttsFirstByteToFirstFrameSent);
  const pr = o.processingMs;
  row('our processing: commit → LLM request at provider', pr.commitToLlmRequest);
  row('  commit → TTS request (fixed line, no LLM)', pr.commitToTtsRequestFixedLine);
  row('  tool-call reply end → follow-up LLM request', pr.toolCallToFollowUpRequest);
  row('  LLM chunk complete → TTS request at provider', pr.llmChunkToTtsRequest);
  row('  TTS first byte (or commit) → frame at the phone', pr.ttsFirstByteToPhone);
  row('  per turn, on the critical path (sum)', pr.criticalPathPerTurn, '≤ 20', le(pr.criticalPathPerTurn.p95, 20));
  const b = o.bargeIn;
  row('barge-in: caller onset → clear at the phone', b.stopAtPhoneMs, '≤ 250', le(b.stopAtPhoneMs.p95, 250));
  row('  caller onset → agent audio stopped at the ear', b.audioStoppedAtEarMs);
  row('  as the service measured it (STT onset → clear)', b.stopSelfReportedMs);
  count('  barge-ins that did not stop the agent', `${b.notStopped} of ${b.count}`, '0', b.notStopped === 0);
  count(
    'backchannels that stopped the agent (reply abandoned)',
    `${o.backchannels.stoppedAgent} of ${o.backchannels.count}`,
    '0',
    o.backchannels.stoppedAgent === 0,
  );
  count(
    '  backchannels with a clear / an audible gap (> 120 ms)',
    `${o.backchannels.cleared} / ${o.backchannels.audibleGap} of ${o.backchannels.count}`,
    '0 / 0',
    o.backchannels.cleared === 0 && o.backchannels.audibleGap === 0,
  );
  row('  longest gap in the agent audio after a backchannel', o.backchannels.gapMs);
  for (const [name, p] of Object.entries(o.premature)) {
    const target = name === 'hesitant' ? '0 (600–900 ms pauses)' : '0';
    count(
      `premature commits heard by the caller: ${name}`,
      `${p.heardByCaller} of ${p.answers}`,
      target,
      p.heardByCaller === 0,
    );
    count(`  premature commits taken back before heard: ${name}`, String(p.caughtBeforeHeard));
  }
  const s = o.speculation;
  count('speculations invalidated per turn (router)', `${s.wastedPerTurn ?? '—'} (${s.wasted}/${s.commits})`);
  count('  most speculations for one utterance', String(s.mostInOneUtterance));
  const t = s.thrownAway;
  count('thrown away per turn: LLM calls', `${t.llmCallsPerTurn ?? '—'} (${t.llmCalls}/${s.commits})`);
  count('  TTS characters', `${t.ttsCharactersPerTurn ?? '—'} (${t.ttsCharacters}/${s.commits})`);
  out.push('', 'Naive sequential baseline (speech_final → whole LLM reply → whole TTS → send), same turns:');
  row('naive: speech end → all reply audio ready to send', r.naive.voiceToVoiceReadyMs);
  row('naive: speech end → speech_final', r.naive.commitDelayMs);
  count(
    'naive premature commits on the hesitant answers',
    `${r.naive.hesitantPremature.premature} of ${r.naive.hesitantPremature.answers}`,
  );
  const c = r.comparedFluentTurns;
  out.push(
    `Same fluent turns, both ending on speech_final (${c.leftOutNoSpeechFinal} left out that the naive pipeline only ended on UtteranceEnd):`,
  );
  row('fluent turns, ours (first audio sent)', c.ours);
  row('fluent turns, naive', c.naive);
  count('ratio naive / ours', `p50 ×${c.ratioP50 ?? '—'}  p95 ×${c.ratioP95 ?? '—'}`);
  const m = r.memory;
  out.push(
    '',
    `Memory: launch rss ${m.start.rssMb} MB heap ${m.start.heapUsedMb} MB; service and fakes up rss ${m.afterStartup.rssMb} MB ` +
      `heap ${m.afterStartup.heapUsedMb} MB; end rss ${m.end.rssMb} MB heap ${m.end.heapUsedMb} MB ` +
      `(buffers ${m.end.arrayBuffersMb} MB); ` +
      `heap retained per call (after GC) ${m.heapDeltaPerCallKb.map((k) => `${k} KB`).join(', ')} ` +
      `(with the fakes' own records of each call); per short greeting-only call ${m.heapPerGreetingProbeKb} KB`,
  );
  console.log(out.join('\n'));
}
