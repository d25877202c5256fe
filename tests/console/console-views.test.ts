import { describe, expect, it } from 'vitest';
import { callPage } from '../../src/console/call-page-view.js';
import { callRow } from '../../src/console/calls-list-view.js';
import { escapeHtml, html } from '../../src/console/html.js';
import { readTurns } from '../../src/console/latency-waterfall-view.js';
import { formFieldFor, placeCallBody } from '../../src/console/place-call-view.js';
import { readNotes } from '../../src/console/stage-timeline-view.js';
import { parseTemplateJson, templateForm } from '../../src/console/templates-view.js';
import type { CallRecord } from '../../src/store/call-record.js';

const ATTACK = '<img src=x onerror="alert(1)">\'&';

function record(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id: 'call-1',
    callSid: 'CA1',
    direction: 'outbound',
    status: 'in-progress',
    stage: 'self_intro',
    outcome: null,
    outcomeReason: null,
    answeredBy: null,
    from: '+14155550100',
    to: '+14155550123',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:01:00.000Z',
    endedAt: null,
    erasedAt: null,
    interview: {
      id: 'i-1',
      phone: '+14155550123',
      role: ATTACK,
      jobDescription: null,
      candidateName: ATTACK,
      definitionId: 'default',
      templateVersion: null,
      context: null,
      createdAt: '2026-01-01T10:00:00.000Z',
      resume: null,
    },
    stages: [
      {
        name: 'greeting',
        startedAt: '2026-01-01T10:00:00.000Z',
        endedAt: '2026-01-01T10:00:30.000Z',
        endReason: 'timed_out',
        notes: { notes: ATTACK, evidence: [ATTACK] },
      },
    ],
    transcript: [
      {
        role: 'candidate',
        text: ATTACK,
        stage: 'greeting',
        at: '2026-01-01T10:00:20.000Z',
        interrupted: true,
        offsetMs: 12_000,
        endOffsetMs: 20_000,
      },
    ],
    latency: [],
    recording: null,
    ...overrides,
  };
}

describe('console views', () => {
  it('escapes every interpolated value, so untrusted text never becomes markup', () => {
    expect(escapeHtml(ATTACK)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;');
    expect(html`<p title="${ATTACK}">${ATTACK}</p>`.value).not.toContain('<img');
    const page = callPage({
      record: record(),
      budgets: new Map([['greeting', 60_000]]),
      recording: null,
      nowIso: '2026-01-01T10:02:00.000Z',
    }).value;
    expect(page).not.toContain('<img');
    expect(page).not.toContain('onerror="');
    expect(page.split(escapeHtml(ATTACK)).length - 1).toBeGreaterThanOrEqual(5); // name, role, notes, evidence, line
    expect(callRow(record(), Date.parse('2026-01-01T10:02:00.000Z')).value).not.toContain('<img');
  });

  it('shows a stage against its budget and why it ended, and the line as interrupted', () => {
    const page = callPage({
      record: record(),
      budgets: new Map([['greeting', 60_000]]),
      recording: null,
      nowIso: '2026-01-01T10:02:00.000Z',
    }).value;
    expect(page).toContain('0:30 of 1:00 budget');
    expect(page).toContain('ran out of time');
    expect(page).toContain('width:50.0%');
    expect(page).toMatch(/class="line candidate interrupted"/);
  });

  it('makes lines seekable only when there is a recording, at the line’s offset', () => {
    const without = callPage({
      record: record(),
      budgets: new Map(),
      recording: null,
      nowIso: '2026-01-01T10:02:00.000Z',
    }).value;
    expect(without).not.toContain('data-seek-ms');
    expect(without).not.toContain('<audio');
    const withAudio = callPage({
      record: record(),
      budgets: new Map(),
      recording: { url: '/console/calls/call-1/recording', offsetsMs: [12_000] },
      nowIso: '2026-01-01T10:02:00.000Z',
    }).value;
    expect(withAudio).toContain(
      '<audio id="player" controls preload="metadata" src="/console/calls/call-1/recording">',
    );
    expect(withAudio).toContain('data-seek-ms="12000"');
  });

  it('reads latency marks relative to the end of speech and skips entries it cannot place', () => {
    const turns = readTurns([
      {
        turn: 1,
        speechEndAt: 1000,
        commitAt: 1300,
        llmFirstTokenAt: 1250,
        ttsFirstByteAt: 1700,
        firstAudioHeardAt: 1720,
        voiceToVoiceHeardMs: 720,
        speculative: true,
      },
      { turn: 2, commitAt: 5000 },
      { nothing: true },
      'garbage',
    ]);
    expect(turns).toEqual([
      {
        turn: 1,
        speculative: true,
        steps: [
          { label: 'Commit', atMs: 300 },
          { label: 'LLM first token', atMs: 250 },
          { label: 'TTS first byte', atMs: 700 },
          { label: 'First audio heard', atMs: 720 },
        ],
        totalMs: 720,
      },
      {
        turn: 2,
        speculative: false,
        steps: [
          { label: 'Commit', atMs: 0 },
          { label: 'LLM first token', atMs: null },
          { label: 'TTS first byte', atMs: null },
          { label: 'First audio heard', atMs: null },
        ],
        totalMs: null,
      },
    ]);
  });

  it('turns the place-call form into the API body, leaving blank fields out, and maps the API’s fields back', () => {
    expect(placeCallBody({ to: ' +14155550123 ', candidateName: 'Ada', role: '', jobDescription: '  ' })).toEqual({
      to: '+14155550123',
      candidate: { name: 'Ada' },
    });
    expect(placeCallBody({ to: '+1', resume: 'Ten years of Go', templateId: 'backend' })).toEqual({
      to: '+1',
      candidate: { resume: 'Ten years of Go' },
      templateId: 'backend',
    });
    expect(formFieldFor('candidate.name')).toBe('candidateName');
    expect(formFieldFor('candidate.resume')).toBe('resume');
    expect(formFieldFor('Idempotency-Key')).toBeNull();
    expect(formFieldFor(null)).toBeNull();
  });
});

describe('template views', () => {
  it('names where a template’s JSON breaks, and lists every issue by field, escaped', () => {
    const broken = parseTemplateJson('{ "id": "backend", }');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.issue.message).toMatch(/^This is not valid JSON: /);
    const form = templateForm({
      text: '{"name": "<script>"}',
      issues: [
        { field: 'stages[1].timeBudgetMs', message: 'Too small: expected number to be >0' },
        { field: null, message: ATTACK },
      ],
      csrf: html``,
    }).value;
    expect(form).toContain('<code>stages[1].timeBudgetMs</code>: Too small');
    expect(form).toContain('aria-invalid="true"');
    expect(form).toContain('{&quot;name&quot;: &quot;&lt;script&gt;&quot;}');
    expect(form).not.toContain('<img');
  });
});

describe('stage notes', () => {
  it('reads turns, questions and refused proposals as the interview records them, and keeps anything else', () => {
    const notes = readNotes({
      notes: 'Covered.',
      evidence: ['I led it'],
      turns: 3,
      questionsAsked: ['project', 'own_part'],
      questionsNotAsked: ['result'],
      refusedProposals: [
        { atMs: 41_000, kind: 'complete_stage', named: 'closing', reason: 'planned questions not asked yet: result' },
        { atMs: 62_500, kind: 'farewell', named: undefined, reason: 'the interview is not over' },
      ],
      mood: 'calm',
    });
    expect(notes).toEqual({
      summary: 'Covered.',
      evidence: ['I led it'],
      turns: 3,
      questionsAsked: ['project', 'own_part'],
      questionsNotAsked: ['result'],
      refused: [
        'Finishing the stage (naming closing) at 0:41: planned questions not asked yet: result',
        'A goodbye at 1:02: the interview is not over',
      ],
      other: { mood: 'calm' },
    });
    expect(readNotes(null)).toBeNull();
    expect(readNotes('just text')?.summary).toBe('just text');
  });
});
