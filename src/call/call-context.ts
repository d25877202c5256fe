import type { CallContext } from '../interview/index.js';
import type { InterviewDetail } from '../store/call-record.js';

/** What the interview is told about the call: the stored interview, with the inbound default role. */
export function callContextFor(interview: InterviewDetail, defaultRole: string): CallContext {
  return {
    role: interview.role || defaultRole,
    ...(interview.candidateName ? { candidateName: interview.candidateName } : {}),
    ...(interview.jobDescription ? { jobDescription: interview.jobDescription } : {}),
    ...(interview.resume ? { resume: interview.resume } : {}),
    ...(interview.context && Object.keys(interview.context).length > 0 ? { notes: interview.context } : {}),
  };
}
