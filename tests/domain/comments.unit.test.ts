import { describe, expect, it } from 'vitest';
import { PostInstruction } from '../../domain/index.js';
import {
  ANSWER,
  INSTRUCTION,
  NOW,
  OTHER_TOWNSHIP,
  TOWNSHIP,
  command,
  commentPosted,
  history,
  problemSpec,
} from '../support/problemFixtures.js';

const { given } = problemSpec;
const FILE = { name: '拨付凭证.pdf', sha256: 'a'.repeat(64), size: 2048, contentType: 'application/pdf' };

describe('comments: the office’s instructions (批示) and the unit’s answers (回复)', () => {
  it('the office posts an instruction on an assigned item: comment 1, on the county day', () => {
    const state = given(history.rectifying)
      .when(command.instruct(), NOW)
      .then([commentPosted(1)]);
    expect(state).toMatchObject({ comments: ['instruction'] });
  });

  it('an instruction keeps its files and its text exactly as written', () => {
    const text = '  请核实\n附件所列三户情况。';
    given(history.rectifying)
      .when({ type: 'PostInstruction', data: { ...command.instruct(null, text).data, files: [FILE] } }, NOW)
      .then([{ ...commentPosted(1), data: { ...commentPosted(1).data, text, files: [FILE] } }]);
  });

  it('the responsible unit answers the latest instruction when it names none', () => {
    given([...history.rectifying, commentPosted(1), commentPosted(2)])
      .when(command.answer(), NOW)
      .then([commentPosted(3, 'answer', 2)]);
  });

  it('the unit may answer an earlier instruction by its number', () => {
    given([...history.rectifying, commentPosted(1), commentPosted(2)])
      .when(command.answer(TOWNSHIP, 1), NOW)
      .then([commentPosted(3, 'answer', 1)]);
  });

  it('the office follows up an answer with a new instruction naming it', () => {
    given([...history.rectifying, commentPosted(1), commentPosted(2, 'answer', 1)])
      .when(command.instruct(2), NOW)
      .then([commentPosted(3, 'instruction', 2)]);
  });

  it('an answer by another unit is refused', () => {
    given([...history.rectifying, commentPosted(1)])
      .when(command.answer(OTHER_TOWNSHIP), NOW)
      .thenError('ANSWER_FROM_ANOTHER_UNIT');
    given([...history.rectifying, commentPosted(1)])
      .when(command.answer(null), NOW)
      .thenError('ANSWER_FROM_ANOTHER_UNIT');
  });

  it('there is nothing to answer before an instruction', () => {
    given(history.rectifying).when(command.answer(), NOW).thenError('NO_INSTRUCTION_TO_ANSWER');
  });

  it('an answer names an instruction that exists, and not another answer', () => {
    given([...history.rectifying, commentPosted(1)])
      .when(command.answer(TOWNSHIP, 2), NOW)
      .thenError('COMMENT_NOT_FOUND');
    given([...history.rectifying, commentPosted(1), commentPosted(2, 'answer', 1)])
      .when(command.answer(TOWNSHIP, 2), NOW)
      .thenError('ANSWER_TO_AN_ANSWER');
  });

  it('an instruction follows up only a comment that exists', () => {
    given(history.rectifying).when(command.instruct(1), NOW).thenError('COMMENT_NOT_FOUND');
  });

  it('an item not assigned yet takes no comment', () => {
    given(history.raisedOnly).when(command.instruct(), NOW).thenError('PROBLEM_NOT_ASSIGNED');
    given([]).when(command.instruct(), NOW).thenError('PROBLEM_NOT_RAISED');
  });

  it('a closed item (销号) still takes instructions and their answers (the 回头看 may call for them)', () => {
    given(history.closedProblem)
      .when(command.instruct(), NOW)
      .then([commentPosted(1)]);
    given([...history.closedProblem, commentPosted(1)])
      .when(command.answer(), NOW)
      .then([commentPosted(2, 'answer', 1)]);
  });

  it('an empty or blank text is refused by the command’s schema, a long one too', () => {
    const parse = (text: string) =>
      PostInstruction.schema.safeParse({ type: 'PostInstruction', data: { ...command.instruct().data, text } });
    expect(parse('').success).toBe(false);
    expect(parse(' \n\t').success).toBe(false);
    expect(parse('x'.repeat(5001)).success).toBe(false);
    expect(parse(INSTRUCTION).success).toBe(true);
    expect(ANSWER.startsWith('  ')).toBe(true);
  });
});
