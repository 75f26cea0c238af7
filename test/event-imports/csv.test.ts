// The CSV reader and the row rules that need no database: RFC 4180 quoting with line numbers,
// encodings (UTF-8 with/without BOM, GBK), dates as exporters write them.
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { decodeCsv, parseCsv } from '../../server/event-imports/csv.ts'
import { parseDateTime, unknownColumns } from '../../server/event-imports/rows.ts'
import { AppError } from '../../server/http/errors.ts'

const gbk = (s: string) => execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8").encode("gbk"))'], { input: s })

describe('event imports: CSV reader', () => {
  it('keeps quoted commas, doubled quotes and line breaks inside a field, and counts physical lines', () => {
    const t = parseCsv('ref,description,x\r\nA1,"路口, 有""垃圾""",1\r\nA2,"第一行\n第二行\n第三行",2\n\nA3,末行,3')
    expect(t.header).to.deep.equal(['ref', 'description', 'x'])
    expect(t.records.map((r) => r.line)).to.deep.equal([2, 3, 7])
    expect(t.records[0]!.fields).to.deep.equal(['A1', '路口, 有"垃圾"', '1'])
    expect(t.records[1]!.fields[1]).to.equal('第一行\n第二行\n第三行')
    expect(t.records[2]!.fields).to.deep.equal(['A3', '末行', '3'])
  })

  it('reads tab-separated text and a trailing newline', () => {
    const t = parseCsv('ref\tx\nA\t1\n')
    expect(t.delimiter).to.equal('\t')
    expect(t.records).to.deep.equal([{ line: 2, fields: ['A', '1'] }])
  })

  it('refuses an unterminated quote, naming its line', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3')).to.throw(AppError, /line 2/)
    expect(() => parseCsv('')).to.throw(AppError, /empty/)
  })

  it('decodes UTF-8 with and without BOM, GBK by fallback or by charset, and refuses UTF-16', () => {
    const text = '描述,x\n暴露垃圾,1\n'
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).to.deep.equal({ text, encoding: 'utf-8 (BOM)' })
    expect(decodeCsv(Buffer.from(text)).text).to.equal(text)
    expect(decodeCsv(gbk(text))).to.deep.equal({ text, encoding: 'gb18030' })
    expect(decodeCsv(gbk(text), 'gbk').text).to.equal(text)
    expect(() => decodeCsv(Buffer.from(text), 'klingon')).to.throw(AppError, /charset/)
    expect(() => decodeCsv(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).to.throw(AppError, /UTF-16/)
  })
})

describe('event imports: dates and columns', () => {
  it('reads China local time and ISO 8601 with offsets', () => {
    expect(parseDateTime('2025-03-08 14:05:09')!.toISOString()).to.equal('2025-03-08T06:05:09.000Z')
    expect(parseDateTime('2025/3/8 14:05')!.toISOString()).to.equal('2025-03-08T06:05:00.000Z')
    expect(parseDateTime('2025-03-08T06:05:09Z')!.toISOString()).to.equal('2025-03-08T06:05:09.000Z')
    expect(parseDateTime('2025-03-08T14:05:09.5+08:00')!.toISOString()).to.equal('2025-03-08T06:05:09.500Z')
  })

  it('refuses impossible calendar dates and dates without a time', () => {
    for (const bad of ['2025-02-30 10:00', '2024-13-01 10:00', '2025-03-08 24:00', '2025-03-08', 'yesterday', '08/03/2025 10:00']) {
      expect(parseDateTime(bad), bad).to.equal(undefined)
    }
    expect(parseDateTime('2024-02-29 10:00')).to.be.instanceOf(Date)
  })

  it('names header columns that no field matches', () => {
    expect(unknownColumns(['ref', '经度', 'LAT', 'colour', ''])).to.deep.equal(['colour'])
  })
})
