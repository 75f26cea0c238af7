// The demand type (诉求类型, Jinan: 咨询/求助/投诉举报/建议感谢) of a description, by its cue words.
// Not learnt: the demo generator draws the demand type at random beside the class, so its events
// carry nothing to learn from; the cue words are what a hotline operator listens for. A
// description without a cue is a complaint or report, the great majority of demands.
const CUES: { type: '咨询' | '求助' | '建议感谢'; words: RegExp }[] = [
  { type: '建议感谢', words: /感谢|谢谢|表扬|点赞|锦旗|建议|希望能够|能否考虑|提个意见/ },
  { type: '求助', words: /求助|救助|帮帮|帮忙|帮一下|走丢|摔倒|起不来|困难|没人照顾|救命/ },
  { type: '咨询', words: /请问|咨询|怎么办理|如何办理|在哪里办|需要什么材料|能不能办|是否可以|可以吗[？?]|吗[？?]$/ },
]

export function demandTypeOf(text: string): { demandType: string; cue: string | null } {
  for (const c of CUES) {
    const m = c.words.exec(text)
    if (m) return { demandType: c.type, cue: m[0] }
  }
  return { demandType: '投诉举报', cue: null }
}
