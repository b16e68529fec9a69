/**
 * The Home Office's own language (#22): our outbound messages as its instruct messages, posted where
 * HMCTS's integration posts them, its acknowledgement read as our receipt and its error body as the
 * case's sync failure. The schemas are in home-office/schema.ts, the mapping table in
 * home-office/mapping.ts; docs/integration.md describes both.
 */
import type { WireFormat } from './wire.js';
import { encodeInstruct } from './home-office/encode.js';
import {
  acknowledgementSchema,
  errorResponseSchema,
  HO_ERROR,
  instructSchema,
  type InstructMessage,
} from './home-office/schema.js';

export { decisionOf, type HomeOfficeDecision } from './home-office/decision.js';
export { encodeInstruct, homeOfficeDateTime, messageHeader } from './home-office/encode.js';
export { HOME_OFFICE_MESSAGES, homeOfficeMessageType, trackerType } from './home-office/mapping.js';
export * from './home-office/schema.js';

/** Where the instruct message is posted, and where a search for decision details is. */
export const INSTRUCT_PATH = '/ichallenge/applicationInstruct/setInstruct';
export const SEARCH_PATH = '/ichallenge/applicationStatus/getBySearchParameters';

export const homeOfficeInstruct: WireFormat<InstructMessage> = {
  name: 'home-office-instruct',
  path: INSTRUCT_PATH,
  schema: instructSchema,
  encode: encodeInstruct,
  typeOf: (body) => body.messageType,
  /**
   * The acknowledgement names the message only by the correlation id we sent (it has no id of its
   * own): that id, derived from our key, is the receipt.
   */
  receipt(answer, message) {
    const ack = acknowledgementSchema.parse(answer);
    if (!ack.errorDetail.success || ack.errorDetail.errorCode !== HO_ERROR.ok)
      throw new Error(
        `home-office acknowledged ${message.key} with ${ack.errorDetail.errorCode}: ${ack.errorDetail.messageText}`,
      );
    return { receiptId: ack.messageHeader.correlationId ?? encodeInstruct(message).messageHeader.correlationId };
  },
  /** Its own internal error (1070, sent with a 400) is worth retrying; any other code is for good. */
  refusal(_status, answer) {
    const parsed = errorResponseSchema.safeParse(answer);
    if (!parsed.success) return undefined;
    const { errorCode, messageText } = parsed.data.errorDetail;
    return { permanent: errorCode !== HO_ERROR.internalError, reason: `error code ${errorCode}: ${messageText}` };
  },
};
