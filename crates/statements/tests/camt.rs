//! Integration tests for the camt.052/053/054 reader, on realistic sample files.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use statements::{CamtKind, CamtReader, Entry, RowError};

/// A camt.053.001.02 end-of-day statement: opening and closing balances,
/// credits and debits, a reversal, a batch-free fee entry.
const VCB_053_V02: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>VCB20250422STMT0001</MsgId>
      <CreDtTm>2025-04-22T23:59:00+07:00</CreDtTm>
    </GrpHdr>
    <Stmt>
      <Id>STMT-0071001234567-20250422</Id>
      <ElctrncSeqNb>112</ElctrncSeqNb>
      <CreDtTm>2025-04-22T23:59:00+07:00</CreDtTm>
      <Acct>
        <Id><Othr><Id>0071001234567</Id></Othr></Id>
        <Ccy>VND</Ccy>
        <Ownr><Nm>CONG TY TNHH THUONG MAI HOA SEN</Nm><Id><OrgId><Othr><Id>0312345678</Id></Othr></OrgId></Id></Ownr>
        <Svcr><FinInstnId><BIC>BFTVVNVX</BIC></FinInstnId></Svcr>
      </Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="VND">15000000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2025-04-22</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="VND">16189000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2025-04-22</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLAV</Cd></CdOrPrtry></Tp>
        <Amt Ccy="VND">16189000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2025-04-22</Dt></Dt>
      </Bal>
      <TxsSummry><TtlNtries><NbOfNtries>4</NbOfNtries></TtlNtries></TxsSummry>
      <Ntry>
        <NtryRef>1</NtryRef>
        <Amt Ccy="VND">1200000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2025-04-22T09:30:00</DtTm></BookgDt>
        <ValDt><Dt>2025-04-22</Dt></ValDt>
        <AcctSvcrRef>FT25112ABC01</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs>
              <EndToEndId>E2E-DH1042</EndToEndId>
            </Refs>
            <AmtDtls><TxAmt><Amt Ccy="VND">1200000.00</Amt></TxAmt></AmtDtls>
            <RltdPties>
              <Dbtr><Nm>NGUYEN VAN A</Nm></Dbtr>
              <DbtrAcct><Id><Othr><Id>0451000123456</Id></Othr></Id></DbtrAcct>
              <Cdtr><Nm>CONG TY TNHH THUONG MAI HOA SEN</Nm></Cdtr>
            </RltdPties>
            <RltdAgts>
              <DbtrAgt><FinInstnId><BIC>BFTVVNVX</BIC><Nm>Vietcombank</Nm></FinInstnId></DbtrAgt>
            </RltdAgts>
            <RmtInf>
              <Ustrd>DH1042 chuyen tien</Ustrd>
              <Ustrd> thanh toan don hang </Ustrd>
            </RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">350000.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2025-04-22</Dt></BookgDt>
        <ValDt><Dt>2025-04-22</Dt></ValDt>
        <NtryDtls>
          <TxDtls>
            <Refs>
              <TxId>TX0002</TxId>
              <EndToEndId>NOTPROVIDED</EndToEndId>
            </Refs>
            <RltdPties>
              <Dbtr><Nm>CONG TY TNHH THUONG MAI HOA SEN</Nm></Dbtr>
              <Cdtr><Nm>CONG TY TNHH AN PHAT</Nm></Cdtr>
              <CdtrAcct><Id><Othr><Id>19033334444015</Id></Othr></Id></CdtrAcct>
            </RltdPties>
            <RltdAgts>
              <CdtrAgt><FinInstnId><Nm>Ngan hang TMCP Ky Thuong Viet Nam</Nm></FinInstnId></CdtrAgt>
            </RltdAgts>
            <AddtlTxInf>Thanh toan hoa don dien thang 4 &amp; nuoc</AddtlTxInf>
          </TxDtls>
        </NtryDtls>
        <AddtlNtryInf>IBFT DEN TECHCOMBANK</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">350000</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <RvslInd>true</RvslInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2025-04-22T16:45:00+07:00</DtTm></BookgDt>
        <AcctSvcrRef>RV25112XYZ</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <RltdPties>
              <Dbtr><Nm>CONG TY TNHH THUONG MAI HOA SEN</Nm></Dbtr>
              <Cdtr><Nm>CONG TY TNHH AN PHAT</Nm></Cdtr>
              <CdtrAcct><Id><Othr><Id>19033334444015</Id></Othr></Id></CdtrAcct>
            </RltdPties>
          </TxDtls>
        </NtryDtls>
        <AddtlNtryInf>HOAN TIEN GD TX0002 - sai so tai khoan</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">11000.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2025-04-22</Dt></BookgDt>
        <AcctSvcrRef>FEE2504SMS</AcctSvcrRef>
        <AddtlNtryInf>Phi SMS Banking thang 04/2025</AddtlNtryInf>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"#;

/// A camt.053.001.08 statement with namespace prefixes, `<Sts><Cd>`,
/// `Dbtr/Pty/Nm`, a previous-closing opening balance in debit (overdraft)
/// and a batch booking.
const TCB_053_V08: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<ns2:BkToCstmrStmt>
<ns2:GrpHdr><ns2:MsgId>TCB-20250502-0001</ns2:MsgId><ns2:CreDtTm>2025-05-02T18:00:00+07:00</ns2:CreDtTm></ns2:GrpHdr>
<ns2:Stmt>
<ns2:Id>19036688990011-20250502</ns2:Id>
<ns2:Acct><ns2:Id><ns2:Othr><ns2:Id>19036688990011</ns2:Id></ns2:Othr></ns2:Id><ns2:Ccy>VND</ns2:Ccy></ns2:Acct>
<ns2:Bal>
<ns2:Tp><ns2:CdOrPrtry><ns2:Cd>PRCD</ns2:Cd></ns2:CdOrPrtry></ns2:Tp>
<ns2:Amt Ccy="VND">500000</ns2:Amt><ns2:CdtDbtInd>DBIT</ns2:CdtDbtInd>
<ns2:Dt><ns2:Dt>2025-05-01</ns2:Dt></ns2:Dt>
</ns2:Bal>
<ns2:Bal>
<ns2:Tp><ns2:CdOrPrtry><ns2:Cd>CLBD</ns2:Cd></ns2:CdOrPrtry></ns2:Tp>
<ns2:Amt Ccy="VND">300000</ns2:Amt><ns2:CdtDbtInd>DBIT</ns2:CdtDbtInd>
<ns2:Dt><ns2:Dt>2025-05-02</ns2:Dt></ns2:Dt>
</ns2:Bal>
<ns2:Ntry>
<ns2:Amt Ccy="VND">2000000</ns2:Amt>
<ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd>
<ns2:Sts><ns2:Cd>BOOK</ns2:Cd></ns2:Sts>
<ns2:BookgDt><ns2:DtTm>2025-05-02T14:05:10+07:00</ns2:DtTm></ns2:BookgDt>
<ns2:NtryDtls><ns2:TxDtls>
<ns2:Refs><ns2:AcctSvcrRef>FT25122K9Q7L</ns2:AcctSvcrRef><ns2:EndToEndId>NOTPROVIDED</ns2:EndToEndId></ns2:Refs>
<ns2:RltdPties>
<ns2:Dbtr><ns2:Pty><ns2:Nm>TRẦN THỊ BÍCH NGỌC</ns2:Nm></ns2:Pty></ns2:Dbtr>
<ns2:DbtrAcct><ns2:Id><ns2:Othr><ns2:Id>1012345678</ns2:Id></ns2:Othr></ns2:Id></ns2:DbtrAcct>
</ns2:RltdPties>
<ns2:RltdAgts><ns2:DbtrAgt><ns2:FinInstnId><ns2:BICFI>VBAAVNVX</ns2:BICFI><ns2:Nm>Agribank</ns2:Nm></ns2:FinInstnId></ns2:DbtrAgt></ns2:RltdAgts>
<ns2:RmtInf><ns2:Ustrd>DH2077 thanh toán tiền hàng</ns2:Ustrd></ns2:RmtInf>
</ns2:TxDtls></ns2:NtryDtls>
</ns2:Ntry>
<ns2:Ntry>
<ns2:Amt Ccy="VND">1800000.00</ns2:Amt>
<ns2:CdtDbtInd>DBIT</ns2:CdtDbtInd>
<ns2:Sts><ns2:Cd>BOOK</ns2:Cd></ns2:Sts>
<ns2:BookgDt><ns2:Dt>2025-05-02</ns2:Dt></ns2:BookgDt>
<ns2:AcctSvcrRef>BATCH-LUONG-T4</ns2:AcctSvcrRef>
<ns2:NtryDtls>
<ns2:Btch><ns2:NbOfTxs>2</ns2:NbOfTxs></ns2:Btch>
<ns2:TxDtls>
<ns2:Refs><ns2:EndToEndId>LUONG-T4-001</ns2:EndToEndId></ns2:Refs>
<ns2:AmtDtls><ns2:TxAmt><ns2:Amt Ccy="VND">1000000</ns2:Amt></ns2:TxAmt></ns2:AmtDtls>
<ns2:RltdPties><ns2:Cdtr><ns2:Pty><ns2:Nm>LE VAN C</ns2:Nm></ns2:Pty></ns2:Cdtr>
<ns2:CdtrAcct><ns2:Id><ns2:Othr><ns2:Id>0123456789</ns2:Id></ns2:Othr></ns2:Id></ns2:CdtrAcct></ns2:RltdPties>
<ns2:RltdAgts><ns2:CdtrAgt><ns2:FinInstnId><ns2:ClrSysMmbId><ns2:MmbId>01203001</ns2:MmbId></ns2:ClrSysMmbId></ns2:FinInstnId></ns2:CdtrAgt></ns2:RltdAgts>
<ns2:RmtInf><ns2:Ustrd>Luong thang 4 LE VAN C</ns2:Ustrd></ns2:RmtInf>
</ns2:TxDtls>
<ns2:TxDtls>
<ns2:Refs><ns2:EndToEndId>LUONG-T4-002</ns2:EndToEndId></ns2:Refs>
<ns2:RltdPties><ns2:Cdtr><ns2:Pty><ns2:Nm>PHAM THI D</ns2:Nm></ns2:Pty></ns2:Cdtr></ns2:RltdPties>
<ns2:RmtInf><ns2:Ustrd>Luong thang 4 PHAM THI D</ns2:Ustrd></ns2:RmtInf>
</ns2:TxDtls>
</ns2:NtryDtls>
</ns2:Ntry>
</ns2:Stmt>
</ns2:BkToCstmrStmt>
</ns2:Document>
"#;

/// An intraday camt.052 report: an interim booked balance, booked entries
/// and pending/information entries that must be skipped.
const MB_052: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02">
  <BkToCstmrAcctRpt>
    <GrpHdr><MsgId>MB-INTRADAY-0930</MsgId><CreDtTm>2025-06-10T09:30:00+07:00</CreDtTm></GrpHdr>
    <Rpt>
      <Id>RPT-0930</Id>
      <Acct><Id><Othr><Id>0801234567890</Id></Othr></Id></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>ITBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="VND">8000000</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><DtTm>2025-06-10T08:00:00+07:00</DtTm></Dt>
      </Bal>
      <Ntry>
        <Amt Ccy="VND">500000</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2025-06-10T08:15:00+07:00</DtTm></BookgDt>
        <AcctSvcrRef>MB0610A001</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>DH3001 chuyen khoan</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">3000000</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>PDNG</Sts>
        <ValDt><Dt>2025-06-10</Dt></ValDt>
        <AddtlNtryInf>CHO XU LY - DH3002</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">12.50</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>INFO</Sts>
        <AddtlNtryInf>thong tin</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">200000</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2025-06-10T09:05:00+07:00</DtTm></BookgDt>
        <AcctSvcrRef>MB0610A002</AcctSvcrRef>
        <AddtlNtryInf>Chuyen tien mua van phong pham</AddtlNtryInf>
      </Ntry>
    </Rpt>
  </BkToCstmrAcctRpt>
</Document>
"#;

/// A camt.054 credit notification: no balances, one entry dated by its value date.
const BIDV_054: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>BIDV-NTF-778899</MsgId><CreDtTm>2025-07-01T10:00:00+07:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>NTF-778899</Id>
      <Acct><Id><IBAN>VN12BIDV0000012345678901</IBAN></Id></Acct>
      <Ntry>
        <Amt Ccy="VND">750000</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2025-07-01T09:58:41.123+07:00</DtTm></BookgDt>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>QR-DH5005</EndToEndId></Refs>
          <RltdPties><Dbtr><Nm>HOANG VAN E</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>DH5005</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="VND">120000</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <ValDt><Dt>2025-07-01</Dt></ValDt>
        <AddtlNtryInf>DH5006 ck qua app</AddtlNtryInf>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"#;

/// Two statements (two accounts) in one message.
const TWO_STATEMENTS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt>
<GrpHdr><MsgId>ACB-MULTI-01</MsgId><CreDtTm>2025-08-31T23:00:00</CreDtTm></GrpHdr>
<Stmt>
<Id>S1</Id>
<Acct><Id><Othr><Id>11112222</Id></Othr></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">1000000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-08-31</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">1250000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-08-31</Dt></Dt></Bal>
<Ntry><Amt Ccy="VND">250000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-08-31</Dt></BookgDt><AcctSvcrRef>A1</AcctSvcrRef><AddtlNtryInf>DH6001</AddtlNtryInf></Ntry>
</Stmt>
<Stmt>
<Id>S2</Id>
<Acct><Id><Othr><Id>33334444</Id></Othr></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">0</Amt><Dt><Dt>2025-08-31</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">40000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2025-08-31</Dt></Dt></Bal>
<Ntry><Amt Ccy="VND">40000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-08-31</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef><AddtlNtryInf>Phi quan ly tai khoan</AddtlNtryInf></Ntry>
</Stmt>
</BkToCstmrStmt>
</Document>
"#;

/// A statement whose closing balance does not match its entries.
const CLOSING_MISMATCH: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt>
<Stmt>
<Acct><Id><Othr><Id>55556666</Id></Othr></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">1000000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-09-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">1600000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-09-01</Dt></Dt></Bal>
<Ntry><Amt Ccy="VND">500000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-09-01</Dt></BookgDt><AddtlNtryInf>DH7001</AddtlNtryInf></Ntry>
</Stmt>
</BkToCstmrStmt>
</Document>
"#;

/// A statement with an entry in another currency, then a VND entry.
const FOREIGN_CURRENCY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt>
<Stmt>
<Acct><Id><Othr><Id>77778888</Id></Othr></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">2000000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-09-02</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="VND">9999999</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-09-02</Dt></Dt></Bal>
<Ntry><Amt Ccy="VND">100000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-09-02</Dt></BookgDt><AddtlNtryInf>DH8001</AddtlNtryInf></Ntry>
<Ntry><Amt Ccy="USD">100.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-09-02</Dt></BookgDt><AddtlNtryInf>Remittance from abroad</AddtlNtryInf></Ntry>
<Ntry><Amt Ccy="VND">30000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-09-02</Dt></BookgDt><AddtlNtryInf>Phi chuyen tien quoc te</AddtlNtryInf></Ntry>
</Stmt>
</BkToCstmrStmt>
</Document>
"#;

/// A pain.001 payment initiation: XML, ISO 20022, but not camt.
const PAIN_001: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">
  <CstmrCdtTrfInitn>
    <GrpHdr><MsgId>PAY-1</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr>
  </CstmrCdtTrfInitn>
</Document>
"#;

fn read(xml: &str) -> Vec<Result<Entry, RowError>> {
    CamtReader::new(xml.as_bytes()).collect()
}

fn entries(xml: &str) -> Vec<Entry> {
    read(xml)
        .into_iter()
        .map(|row| row.unwrap_or_else(|e| panic!("unexpected error: {e}")))
        .collect()
}

fn failure(row: &Result<Entry, RowError>) -> &RowError {
    match row {
        Ok(entry) => panic!("expected an error, got the entry at line {}", entry.line),
        Err(error) => error,
    }
}

fn ok(row: &Result<Entry, RowError>) -> &Entry {
    match row {
        Ok(entry) => entry,
        Err(error) => panic!("expected an entry, got: {error}"),
    }
}

/// The 1-based line of the `n`th (0-based) occurrence of `needle`.
fn line_of(xml: &str, needle: &str, n: usize) -> u64 {
    let at = xml
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in the sample"))
        .0;
    1 + xml[..at].matches('\n').count() as u64
}

/// The source text of the `n`th `<Ntry>` element (plain, unprefixed samples).
fn ntry_source(xml: &str, start: &str, end: &str, n: usize) -> String {
    let from = xml.match_indices(start).nth(n).unwrap().0;
    let to = from + xml[from..].find(end).unwrap() + end.len();
    xml[from..to].to_owned()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

#[test]
fn camt053_v02_statement() {
    let mut reader = CamtReader::new(VCB_053_V02.as_bytes());
    assert_eq!(reader.kind(), Some(CamtKind::Statement));
    let rows: Vec<_> = reader.by_ref().collect();
    assert_eq!(reader.kind(), Some(CamtKind::Statement));
    assert_eq!(rows.len(), 4);
    let e: Vec<&Entry> = rows.iter().map(ok).collect();

    assert_eq!(
        e.iter().map(|e| e.amount).collect::<Vec<_>>(),
        [1_200_000, -350_000, 350_000, -11_000]
    );
    assert_eq!(
        e.iter().map(|e| e.balance).collect::<Vec<_>>(),
        [
            Some(16_200_000),
            Some(15_850_000),
            Some(16_200_000),
            Some(16_189_000)
        ]
    );
    for (n, entry) in e.iter().enumerate() {
        assert_eq!(entry.account.as_deref(), Some("0071001234567"));
        assert_eq!(entry.line, line_of(VCB_053_V02, "<Ntry>", n));
        assert_eq!(entry.raw, ntry_source(VCB_053_V02, "<Ntry>", "</Ntry>", n));
    }
    assert_eq!(e[0].line, 37);

    // A local date-time is Vietnam time.
    assert_eq!(e[0].booked_at, utc(2025, 4, 22, 2, 30, 0));
    assert_eq!(e[0].reference.as_deref(), Some("FT25112ABC01"));
    assert_eq!(e[0].description, "DH1042 chuyen tien thanh toan don hang");
    assert_eq!(e[0].counterparty_name.as_deref(), Some("NGUYEN VAN A"));
    assert_eq!(e[0].counterparty_account.as_deref(), Some("0451000123456"));
    assert_eq!(e[0].counterparty_bank.as_deref(), Some("BFTVVNVX"));

    // A date alone is 00:00 Vietnam time; TxId is the reference when there
    // is no AcctSvcrRef; EndToEndId NOTPROVIDED is ignored.
    assert_eq!(e[1].booked_at, utc(2025, 4, 21, 17, 0, 0));
    assert_eq!(e[1].reference.as_deref(), Some("TX0002"));
    assert_eq!(e[1].description, "Thanh toan hoa don dien thang 4 & nuoc");
    assert_eq!(
        e[1].counterparty_name.as_deref(),
        Some("CONG TY TNHH AN PHAT")
    );
    assert_eq!(e[1].counterparty_account.as_deref(), Some("19033334444015"));
    assert_eq!(
        e[1].counterparty_bank.as_deref(),
        Some("Ngan hang TMCP Ky Thuong Viet Nam")
    );

    // The reversal: CRDT stays money in; the counterparty is the original
    // payment's creditor.
    assert_eq!(e[2].booked_at, utc(2025, 4, 22, 9, 45, 0));
    assert_eq!(e[2].reference.as_deref(), Some("RV25112XYZ"));
    assert_eq!(e[2].description, "HOAN TIEN GD TX0002 - sai so tai khoan");
    assert_eq!(
        e[2].counterparty_name.as_deref(),
        Some("CONG TY TNHH AN PHAT")
    );
    assert_eq!(e[2].counterparty_account.as_deref(), Some("19033334444015"));
    assert_eq!(e[2].counterparty_bank, None);

    assert_eq!(e[3].reference.as_deref(), Some("FEE2504SMS"));
    assert_eq!(e[3].description, "Phi SMS Banking thang 04/2025");
    assert_eq!(e[3].counterparty_name, None);
}

#[test]
fn camt053_v08_statement_with_prefixes_and_batch() {
    let mut reader = CamtReader::new(TCB_053_V08.as_bytes());
    assert_eq!(reader.kind(), Some(CamtKind::Statement));
    let e: Vec<Entry> = reader.by_ref().map(|r| ok(&r).clone()).collect();
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].amount, 2_000_000);
    assert_eq!(e[1].amount, -1_800_000);
    // PRCD in debit is the opening balance: -500,000.
    assert_eq!(e[0].balance, Some(1_500_000));
    assert_eq!(e[1].balance, Some(-300_000));
    assert_eq!(e[0].booked_at, utc(2025, 5, 2, 7, 5, 10));
    assert_eq!(e[0].reference.as_deref(), Some("FT25122K9Q7L"));
    assert_eq!(e[0].description, "DH2077 thanh toán tiền hàng");
    assert_eq!(
        e[0].counterparty_name.as_deref(),
        Some("TRẦN THỊ BÍCH NGỌC")
    );
    assert_eq!(e[0].counterparty_account.as_deref(), Some("1012345678"));
    assert_eq!(e[0].counterparty_bank.as_deref(), Some("VBAAVNVX"));
    assert_eq!(e[0].account.as_deref(), Some("19036688990011"));
    assert_eq!(e[0].line, line_of(TCB_053_V08, "<ns2:Ntry>", 0));
    assert!(e[0]
        .raw
        .starts_with("<ns2:Ntry>\n<ns2:Amt Ccy=\"VND\">2000000</ns2:Amt>"));
    assert!(e[0].raw.ends_with("</ns2:NtryDtls>\n</ns2:Ntry>"));

    // Batch: the entry's total, details from the first TxDtls.
    assert_eq!(e[1].booked_at, utc(2025, 5, 1, 17, 0, 0));
    assert_eq!(e[1].reference.as_deref(), Some("BATCH-LUONG-T4"));
    assert_eq!(e[1].description, "Luong thang 4 LE VAN C");
    assert_eq!(e[1].counterparty_name.as_deref(), Some("LE VAN C"));
    assert_eq!(e[1].counterparty_account.as_deref(), Some("0123456789"));
    assert_eq!(e[1].counterparty_bank.as_deref(), Some("01203001"));
}

#[test]
fn camt052_skips_pending_and_information_entries() {
    let mut reader = CamtReader::new(MB_052.as_bytes());
    assert_eq!(reader.kind(), Some(CamtKind::Report));
    let e: Vec<Entry> = reader.by_ref().map(|r| ok(&r).clone()).collect();
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].amount, 500_000);
    assert_eq!(e[0].balance, Some(8_500_000));
    assert_eq!(e[0].reference.as_deref(), Some("MB0610A001"));
    assert_eq!(e[0].description, "DH3001 chuyen khoan");
    assert_eq!(e[0].booked_at, utc(2025, 6, 10, 1, 15, 0));
    assert_eq!(e[0].line, line_of(MB_052, "<Ntry>", 0));
    assert_eq!(e[1].amount, -200_000);
    // The pending 3,000,000 does not count.
    assert_eq!(e[1].balance, Some(8_300_000));
    assert_eq!(e[1].line, line_of(MB_052, "<Ntry>", 3));
    assert_eq!(e[1].account.as_deref(), Some("0801234567890"));
}

#[test]
fn interim_balance_only_opens_a_camt052_report() {
    // The same ITBD in a camt.053 is not an opening balance.
    let xml = MB_052
        .replace("camt.052.001.02", "camt.053.001.02")
        .replace("BkToCstmrAcctRpt", "BkToCstmrStmt")
        .replace("Rpt>", "Stmt>");
    let mut reader = CamtReader::new(xml.as_bytes());
    assert_eq!(reader.kind(), Some(CamtKind::Statement));
    let e: Vec<Entry> = reader.by_ref().map(|r| ok(&r).clone()).collect();
    assert_eq!(e.len(), 2);
    assert!(e.iter().all(|e| e.balance.is_none()));
}

#[test]
fn camt054_without_balances() {
    let mut reader = CamtReader::new(BIDV_054.as_bytes());
    assert_eq!(reader.kind(), Some(CamtKind::Notification));
    let e: Vec<Entry> = reader.by_ref().map(|r| ok(&r).clone()).collect();
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].amount, 750_000);
    assert_eq!(e[1].amount, 120_000);
    assert_eq!(e[0].balance, None);
    assert_eq!(e[1].balance, None);
    assert_eq!(
        e[0].booked_at,
        utc(2025, 7, 1, 2, 58, 41) + chrono::TimeDelta::milliseconds(123)
    );
    // No booking date: the value date, at 00:00 Vietnam time.
    assert_eq!(e[1].booked_at, utc(2025, 6, 30, 17, 0, 0));
    assert_eq!(e[0].reference.as_deref(), Some("QR-DH5005"));
    assert_eq!(e[1].reference, None);
    assert_eq!(e[0].description, "DH5005");
    assert_eq!(e[1].description, "DH5006 ck qua app");
    assert_eq!(e[0].counterparty_name.as_deref(), Some("HOANG VAN E"));
    assert_eq!(e[0].account.as_deref(), Some("VN12BIDV0000012345678901"));
}

#[test]
fn two_statements_in_one_document() {
    let e = entries(TWO_STATEMENTS);
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].account.as_deref(), Some("11112222"));
    assert_eq!(e[0].amount, 250_000);
    assert_eq!(e[0].balance, Some(1_250_000));
    assert_eq!(e[0].reference.as_deref(), Some("A1"));
    assert_eq!(e[0].line, 10);
    // The second statement starts from its own opening balance (zero,
    // written without an indicator).
    assert_eq!(e[1].account.as_deref(), Some("33334444"));
    assert_eq!(e[1].amount, -40_000);
    assert_eq!(e[1].balance, Some(-40_000));
    assert_eq!(e[1].reference.as_deref(), Some("B1"));
    assert_eq!(e[1].line, 17);
}

#[test]
fn closing_balance_mismatch_is_reported_at_the_closing_balance() {
    let rows = read(CLOSING_MISMATCH);
    assert_eq!(rows.len(), 2);
    assert_eq!(ok(&rows[0]).balance, Some(1_500_000));
    let error = failure(&rows[1]);
    assert_eq!(error.line, 7);
    assert_eq!(
        error.message,
        "closing booked balance (CLBD) is 1,600,000 VND but the opening balance plus the \
         booked entries come to 1,500,000 VND: the statement is incomplete or its balances \
         do not add up"
    );
}

#[test]
fn matching_closing_balances_give_no_error() {
    for xml in [VCB_053_V02, TCB_053_V08, TWO_STATEMENTS] {
        assert!(read(xml).iter().all(Result::is_ok));
    }
}

#[test]
fn foreign_currency_entry_is_an_error_and_the_balance_is_lost() {
    let rows = read(FOREIGN_CURRENCY);
    assert_eq!(rows.len(), 3);
    assert_eq!(ok(&rows[0]).amount, 100_000);
    assert_eq!(ok(&rows[0]).balance, Some(2_100_000));
    let error = failure(&rows[1]);
    assert_eq!(error.line, 9);
    assert_eq!(
        error.message,
        "currency \"USD\" is not VND (only VND amounts are supported)"
    );
    assert_eq!(ok(&rows[2]).amount, -30_000);
    assert_eq!(ok(&rows[2]).balance, None);
    // No closing-balance error: the running balance is unknown.
}

#[test]
fn truncated_file() {
    let cut = VCB_053_V02.find("<AcctSvcrRef>RV25112XYZ").unwrap();
    let rows = read(&VCB_053_V02[..cut]);
    assert_eq!(rows.len(), 3);
    assert_eq!(ok(&rows[0]).amount, 1_200_000);
    assert_eq!(ok(&rows[1]).amount, -350_000);
    let error = failure(&rows[2]);
    assert_eq!(error.line, line_of(VCB_053_V02, "<Ntry>", 2));
    assert_eq!(
        error.message,
        "the file ends inside this entry (<Ntry> is not closed): the XML is truncated"
    );

    // Cut between entries, and in the middle of a tag.
    let cut = VCB_053_V02.find("</Stmt>").unwrap();
    let rows = read(&VCB_053_V02[..cut]);
    assert_eq!(rows.len(), 5);
    assert_eq!(
        failure(&rows[4]).message,
        "the file ends before </Stmt>: the XML is truncated"
    );
    let cut = VCB_053_V02.find("<CdtDbtInd>DBIT").unwrap() + 4;
    let rows = read(&VCB_053_V02[..cut]);
    assert_eq!(rows.len(), 2);
    let error = failure(&rows[1]);
    assert!(error.message.starts_with("malformed XML"), "{error}");
    assert_eq!(error.line, line_of(VCB_053_V02, "<CdtDbtInd>DBIT", 0));
}

#[test]
fn damaged_closing_balance_in_a_truncated_statement() {
    // Found by `damaged_statements_never_panic`: byte 999 is the `C` of the
    // CLBD balance's `Ccy` attribute; the cut falls right after the last `</Ntry>`.
    let mut bytes = VCB_053_V02.as_bytes().to_vec();
    assert_eq!(&bytes[995..1002], b"Amt Ccy");
    bytes[999] = 0;
    bytes.truncate(4494);
    assert!(bytes.ends_with(b"</Ntry>"));
    let rows: Vec<_> = CamtReader::new(&bytes[..]).collect();
    // Six rows, all deserved: the unreadable closing balance, the four entries
    // exactly as in the intact file (the damage is outside them), the truncation.
    assert_eq!(rows.len(), 6);
    let error = failure(&rows[0]);
    assert_eq!(error.line, line_of(VCB_053_V02, "<Bal>", 1));
    assert_eq!(
        error.message,
        "closing booked balance (CLBD) amount (Amt) has no currency (Ccy attribute)"
    );
    let intact = entries(VCB_053_V02);
    assert_eq!(intact.len(), 4);
    for (row, entry) in rows[1..5].iter().zip(&intact) {
        assert_eq!(ok(row), entry);
    }
    let error = failure(&rows[5]);
    assert_eq!(error.line, line_of(VCB_053_V02, "</Ntry>", 3));
    assert_eq!(
        error.message,
        "the file ends before </Stmt>: the XML is truncated"
    );
}

#[test]
fn documents_that_are_not_camt() {
    let reader = CamtReader::new(PAIN_001.as_bytes());
    assert_eq!(reader.kind(), None);
    let rows: Vec<_> = reader.collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        *failure(&rows[0]),
        RowError {
            line: 1,
            message: "not a camt.052/053/054 document: <Document> holds <CstmrCdtTrfInitn> \
                      (expected BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn)"
                .to_owned()
        }
    );

    let rows = read("<?xml version=\"1.0\"?>\n\n<html><body>Sao kê</body></html>");
    assert_eq!(rows.len(), 1);
    assert_eq!(failure(&rows[0]).line, 1);
    assert_eq!(
        failure(&rows[0]).message,
        "not a camt.052/053/054 document: the root element is <html> (expected <Document>)"
    );

    let rows = read("time,description,amount\n2025-04-22,DH1,100000\n");
    assert_eq!(rows.len(), 1);
    assert_eq!(failure(&rows[0]).line, 1);
    assert_eq!(
        failure(&rows[0]).message,
        "not a camt.052/053/054 document: the file does not start with an XML element"
    );

    for empty in [
        "",
        "  \n",
        "\u{feff}",
        "<?xml version=\"1.0\"?>\n<!-- nothing -->\n",
    ] {
        let rows = read(empty);
        assert_eq!(rows.len(), 1, "{empty:?}");
        assert_eq!(failure(&rows[0]).line, 1);
        assert_eq!(
            failure(&rows[0]).message,
            "the file is empty: expected a camt.052/053/054 XML document"
        );
    }

    let rows = read("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"/>");
    assert_eq!(rows.len(), 1);
    assert!(failure(&rows[0]).message.contains("holds no BkToCstmrStmt"));
}

#[test]
fn message_element_as_root_is_accepted() {
    let start = VCB_053_V02.find("<BkToCstmrStmt>").unwrap();
    let end = VCB_053_V02.find("</Document>").unwrap();
    let e = entries(&VCB_053_V02[start..end]);
    assert_eq!(e.len(), 4);
    assert_eq!(e[3].balance, Some(16_189_000));
}

/// A small statement around the given entries, one per line from line 6.
fn statement(entries: &[&str]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>\n\
         <Stmt>\n\
         <Acct><Id><Othr><Id>99990000</Id></Othr></Id></Acct>\n\
         <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"VND\">1000000</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n\
         {}\n\
         </Stmt>\n</BkToCstmrStmt></Document>\n",
        entries.join("\n")
    )
}

fn ntry(inner: &str) -> String {
    format!("<Ntry>{inner}</Ntry>")
}

const GOOD: &str = "<Amt Ccy=\"VND\">100000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
                    <BookgDt><Dt>2025-10-01</Dt></BookgDt><AddtlNtryInf>DH9001</AddtlNtryInf>";

#[test]
fn entry_errors_name_the_problem_and_reading_continues() {
    let bad = [
        ntry("<Amt Ccy=\"VND\">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">5000</Amt><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">5000</Amt><CdtDbtInd>CREDIT</CdtDbtInd><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">5000</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>01/10/2025</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">5000</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><DtTm>2025-10-01T25:00:00</DtTm></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">5000</Amt><CdtDbtInd>CRDT</CdtDbtInd>"),
        ntry("<Amt>5000</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">1.000.000</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">5000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>WAIT</Sts><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">5000</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>maybe</RvslInd><BookgDt><Dt>2025-10-01</Dt></BookgDt>"),
        ntry("<Amt Ccy=\"VND\">1.5</Amt><CdtDbtInd>X</CdtDbtInd>"),
        ntry(GOOD),
    ];
    let refs: Vec<&str> = bad.iter().map(String::as_str).collect();
    let rows = read(&statement(&refs));
    let messages: Vec<(u64, &str)> = rows
        .iter()
        .take(bad.len() - 1)
        .map(|r| {
            let e = failure(r);
            (e.line, e.message.as_str())
        })
        .collect();
    assert_eq!(
        messages,
        [
            (6, "amount (Amt) \"12.50\" is not a whole number of VND"),
            (7, "the entry has no credit/debit indicator (CdtDbtInd)"),
            (8, "credit/debit indicator (CdtDbtInd) \"CREDIT\" is not CRDT or DBIT"),
            (9, "the entry has no amount (Amt)"),
            (10, "booking date (BookgDt/Dt) \"01/10/2025\" is not a valid date (expected YYYY-MM-DD)"),
            (11, "booking date (BookgDt/DtTm) \"2025-10-01T25:00:00\" is not a valid time (no such date or time of day)"),
            (12, "the entry has no booking date (BookgDt) or value date (ValDt)"),
            (13, "amount (Amt) has no currency (Ccy attribute)"),
            (14, "amount (Amt) \"0.00\" must not be zero"),
            (15, "amount (Amt) \"1.000.000\" is not a valid amount (expected digits with an optional decimal point, e.g. 1500000.00)"),
            (16, "entry status (Sts) \"WAIT\" is not BOOK, PDNG or INFO"),
            (17, "reversal indicator (RvslInd) \"maybe\" is not true or false"),
            (18, "amount (Amt) \"1.5\" is not a whole number of VND; credit/debit indicator (CdtDbtInd) \"X\" is not CRDT or DBIT; the entry has no booking date (BookgDt) or value date (ValDt)"),
        ]
    );
    let last = ok(&rows[bad.len() - 1]);
    assert_eq!(last.amount, 100_000);
    assert_eq!(last.line, 19);
    // Earlier entries with unreadable amounts make the balance unknown.
    assert_eq!(last.balance, None);
    assert_eq!(rows.len(), bad.len());
}

#[test]
fn entries_with_other_problems_still_count_towards_the_balance() {
    let rows = read(&statement(&[
        &ntry("<Amt Ccy=\"VND\">5000</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2025-99-01</Dt></BookgDt>"),
        &ntry(GOOD),
    ]));
    assert_eq!(rows.len(), 2);
    assert!(failure(&rows[0]).message.contains("\"2025-99-01\""));
    assert_eq!(ok(&rows[1]).balance, Some(1_000_000 - 5_000 + 100_000));
}

#[test]
fn bad_balances_are_reported_at_their_line() {
    let xml = statement(&[&ntry(GOOD)]).replace(
        "<Amt Ccy=\"VND\">1000000</Amt>",
        "<Amt Ccy=\"VND\">1000000.50</Amt>",
    );
    let rows = read(&xml);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        *failure(&rows[0]),
        RowError {
            line: 5,
            message: "opening booked balance (OPBD) amount (Amt) \"1000000.50\" is not a whole \
                      number of VND"
                .to_owned()
        }
    );
    assert_eq!(ok(&rows[1]).balance, None);

    let xml = statement(&[&ntry(GOOD)]).replace("Ccy=\"VND\">1000000<", "Ccy=\"EUR\">1000000<");
    let rows = read(&xml);
    assert_eq!(
        failure(&rows[0]).message,
        "opening booked balance (OPBD) currency \"EUR\" is not VND (only VND statements are supported)"
    );
}

#[test]
fn malformed_xml_ends_the_iteration_with_the_line() {
    let xml = statement(&[
        &ntry(GOOD),
        "<Ntry><Amt Ccy=\"VND\">5</Amt></Ntri>",
        &ntry(GOOD),
    ]);
    let rows = read(&xml);
    assert_eq!(rows.len(), 2);
    assert_eq!(ok(&rows[0]).line, 6);
    let error = failure(&rows[1]);
    assert_eq!(error.line, 7);
    assert!(error.message.starts_with("malformed XML: "), "{error}");
    assert!(error.message.contains("Ntri"), "{error}");

    let rows = read(&statement(&[&ntry(GOOD), "<Ntry>AT&T</Ntry>", &ntry(GOOD)]));
    assert_eq!(rows.len(), 2);
    assert_eq!(failure(&rows[1]).line, 7);

    let rows = read(&format!("{}<Document/>", statement(&[&ntry(GOOD)])));
    assert_eq!(rows.len(), 2);
    assert_eq!(failure(&rows[1]).line, 9);
    assert!(failure(&rows[1]).message.contains("second root element"));
}

#[test]
fn entities_from_a_dtd_are_never_expanded() {
    let xml = statement(&[
        &ntry(&GOOD.replace("DH9001", "&xxe;")),
        &ntry(&GOOD.replace("DH9001", "&lol;")),
        &ntry(&GOOD.replace(
            "DH9001",
            "DH&#x31;&#50;3 &lt;ok&gt; &quot;x&quot; &apos;y&apos;",
        )),
    ])
    .replacen(
        "<Document",
        "<!DOCTYPE Document [\n<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n\
         <!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">\n]>\n<Document",
        1,
    );
    let rows = read(&xml);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        failure(&rows[0]).message,
        "AddtlNtryInf uses the entity &xxe;, which is not expanded (only &lt; &gt; &amp; \
         &apos; &quot; and character references are)"
    );
    assert_eq!(failure(&rows[0]).line, 10);
    assert!(failure(&rows[1]).message.contains("&lol;"));
    assert_eq!(ok(&rows[2]).description, "DH123 <ok> \"x\" 'y'");
}

#[test]
fn other_encodings_are_rejected() {
    let xml = statement(&[&ntry(GOOD)]).replace("UTF-8", "windows-1258");
    let rows = read(&xml);
    assert_eq!(rows.len(), 1);
    assert_eq!(failure(&rows[0]).line, 1);
    assert!(failure(&rows[0]).message.contains("\"windows-1258\""));

    // Undeclared non-UTF-8 bytes: an error for the entry that has them.
    let mut bytes = statement(&[&ntry(GOOD), &ntry(GOOD)]).into_bytes();
    let at = bytes.windows(6).position(|w| w == b"DH9001").unwrap();
    bytes[at] = 0xD0;
    let rows: Vec<_> = CamtReader::new(&bytes[..]).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        failure(&rows[0]).message,
        "AddtlNtryInf is not valid UTF-8 (the file must be UTF-8)"
    );
    assert_eq!(ok(&rows[1]).balance, Some(1_200_000));
}

#[test]
fn status_forms_and_cdata() {
    let rows = read(&statement(&[
        &ntry(&GOOD.replace("<Sts>BOOK</Sts>", "<Sts><Cd>BOOK</Cd></Sts>")),
        &ntry(&GOOD.replace("<Sts>BOOK</Sts>", "<Sts><Cd>PDNG</Cd></Sts>")),
        &ntry(&GOOD.replace("<Sts>BOOK</Sts>", "<Sts>\n  <Cd>INFO</Cd>\n</Sts>")),
        &ntry(&GOOD.replace("<Sts>BOOK</Sts>", "")),
        &ntry(&GOOD.replace("DH9001", "<![CDATA[DH9002 <b>&</b>]]>")),
    ]));
    assert_eq!(rows.len(), 3);
    assert_eq!(ok(&rows[0]).line, 6);
    // An entry without a status counts as booked.
    assert_eq!(ok(&rows[1]).line, 11);
    assert_eq!(ok(&rows[1]).balance, Some(1_200_000));
    assert_eq!(ok(&rows[2]).description, "DH9002 <b>&</b>");
}

#[test]
fn reference_fallbacks() {
    let tx = |refs: &str| {
        ntry(&format!(
            "{GOOD}<NtryDtls><TxDtls><Refs>{refs}</Refs></TxDtls></NtryDtls>"
        ))
    };
    let rows = read(&statement(&[
        &tx("<AcctSvcrRef>S1</AcctSvcrRef><TxId>T1</TxId><EndToEndId>E1</EndToEndId>"),
        &tx("<TxId>T2</TxId><EndToEndId>E2</EndToEndId>"),
        &tx("<EndToEndId>E3</EndToEndId>"),
        &tx("<EndToEndId>NOTPROVIDED</EndToEndId>"),
        &ntry(&format!(
            "{GOOD}<AcctSvcrRef>N5</AcctSvcrRef><NtryDtls><TxDtls><Refs><TxId>T5</TxId></Refs></TxDtls></NtryDtls>"
        )),
    ]));
    let refs: Vec<Option<&str>> = rows.iter().map(|r| ok(r).reference.as_deref()).collect();
    assert_eq!(refs, [Some("S1"), Some("T2"), Some("E3"), None, Some("N5")]);
}

#[test]
fn description_fallbacks() {
    let details = |inner: &str| {
        ntry(&format!(
            "{}<NtryDtls><TxDtls>{inner}</TxDtls></NtryDtls>",
            GOOD.replace(
                "<AddtlNtryInf>DH9001</AddtlNtryInf>",
                "<AddtlNtryInf>  ntry info </AddtlNtryInf>"
            )
        ))
    };
    let rows = read(&statement(&[
        &details("<RmtInf><Ustrd>a</Ustrd><Ustrd>  </Ustrd><Ustrd>b c</Ustrd></RmtInf><AddtlTxInf>tx info</AddtlTxInf>"),
        &details("<RmtInf><Ustrd> </Ustrd></RmtInf><AddtlTxInf> tx info </AddtlTxInf>"),
        &details(""),
        &ntry(&GOOD.replace("<AddtlNtryInf>DH9001</AddtlNtryInf>", "")),
    ]));
    let descriptions: Vec<&str> = rows.iter().map(|r| ok(r).description.as_str()).collect();
    assert_eq!(descriptions, ["a b c", "tx info", "ntry info", ""]);
}

#[test]
fn counterparty_by_direction() {
    let parties = "<NtryDtls><TxDtls><RltdPties>\
                   <Dbtr><Nm>NGUYEN VAN A</Nm></Dbtr><DbtrAcct><Id><IBAN>VN01DBTR</IBAN></Id></DbtrAcct>\
                   <Cdtr><Nm>CONG TY B</Nm></Cdtr><CdtrAcct><Id><Othr><Id>222</Id></Othr></Id></CdtrAcct>\
                   </RltdPties><RltdAgts>\
                   <DbtrAgt><FinInstnId><Nm>VietinBank</Nm><ClrSysMmbId><MmbId>01201001</MmbId></ClrSysMmbId></FinInstnId></DbtrAgt>\
                   <CdtrAgt><FinInstnId><ClrSysMmbId><MmbId>01310001</MmbId></ClrSysMmbId><BIC>ASCBVNVX</BIC></FinInstnId></CdtrAgt>\
                   </RltdAgts></TxDtls></NtryDtls>";
    let credit = format!("{GOOD}{parties}");
    let debit = credit.replace(">CRDT<", ">DBIT<");
    let reversed_debit = debit.replace("</CdtDbtInd>", "</CdtDbtInd><RvslInd>true</RvslInd>");
    let rows = read(&statement(&[
        &ntry(&credit),
        &ntry(&debit),
        &ntry(&reversed_debit),
    ]));
    type Party<'a> = (i64, Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let got: Vec<Party> = rows
        .iter()
        .map(|r| {
            let e = ok(r);
            (
                e.amount,
                e.counterparty_name.as_deref(),
                e.counterparty_account.as_deref(),
                e.counterparty_bank.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                100_000,
                Some("NGUYEN VAN A"),
                Some("VN01DBTR"),
                Some("VietinBank")
            ),
            (-100_000, Some("CONG TY B"), Some("222"), Some("ASCBVNVX")),
            // A reversed debit (money out undoing a credit): the original debtor.
            (
                -100_000,
                Some("NGUYEN VAN A"),
                Some("VN01DBTR"),
                Some("VietinBank")
            ),
        ]
    );
}

#[test]
fn io_errors_end_the_iteration() {
    struct Failing(&'static [u8]);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let cut = VCB_053_V02
        .find("<Ntry>\n        <Amt Ccy=\"VND\">350000.00")
        .unwrap();
    let input = std::io::BufReader::new(Failing(&VCB_053_V02.as_bytes()[..cut]));
    let rows: Vec<_> = CamtReader::new(input).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(ok(&rows[0]).amount, 1_200_000);
    assert!(failure(&rows[1]).message.contains("disk on fire"));
}

// ---------------------------------------------------------------------------
// Property tests

/// One generated entry: signed amount, reference, status.
#[derive(Debug, Clone)]
struct GenEntry {
    amount: i64,
    reference: String,
    status: &'static str,
    with_details: bool,
}

fn gen_entry() -> impl Strategy<Value = GenEntry> {
    (
        prop_oneof![1i64..=50_000_000, 1i64..=1_000_000_000_000],
        any::<bool>(),
        "[A-Z0-9]{1,16}",
        prop_oneof![8 => Just("BOOK"), 1 => Just("PDNG"), 1 => Just("INFO")],
        any::<bool>(),
    )
        .prop_map(
            |(magnitude, credit, reference, status, with_details)| GenEntry {
                amount: if credit { magnitude } else { -magnitude },
                reference,
                status,
                with_details,
            },
        )
}

/// Renders a statement; `v08` picks the newer status and party forms,
/// `prefix` a namespace prefix, `crlf` Windows line endings.
fn render(opening: i64, entries: &[GenEntry], v08: bool, prefix: bool, crlf: bool) -> String {
    let p = if prefix { "c:" } else { "" };
    let amount = |value: i64, decimals: bool| {
        let dots = if decimals { ".00" } else { "" };
        format!(
            "<{p}Amt Ccy=\"VND\">{}{dots}</{p}Amt><{p}CdtDbtInd>{}</{p}CdtDbtInd>",
            value.unsigned_abs(),
            if value < 0 { "DBIT" } else { "CRDT" }
        )
    };
    let booked: i64 = entries
        .iter()
        .filter(|e| e.status == "BOOK")
        .map(|e| e.amount)
        .sum();
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let version = if v08 { "08" } else { "02" };
    let xmlns = if prefix { "xmlns:c" } else { "xmlns" };
    xml.push_str(&format!(
        "<{p}Document {xmlns}=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}\">\n<{p}BkToCstmrStmt>\n<{p}Stmt>\n"
    ));
    xml.push_str(&format!(
        "<{p}Acct><{p}Id><{p}Othr><{p}Id>0071000999888</{p}Id></{p}Othr></{p}Id></{p}Acct>\n"
    ));
    for (code, value) in [("OPBD", opening), ("CLBD", opening + booked)] {
        xml.push_str(&format!(
            "<{p}Bal><{p}Tp><{p}CdOrPrtry><{p}Cd>{code}</{p}Cd></{p}CdOrPrtry></{p}Tp>{}</{p}Bal>\n",
            amount(value, true)
        ));
    }
    for (i, entry) in entries.iter().enumerate() {
        let status = if v08 {
            format!("<{p}Sts><{p}Cd>{}</{p}Cd></{p}Sts>", entry.status)
        } else {
            format!("<{p}Sts>{}</{p}Sts>", entry.status)
        };
        xml.push_str(&format!(
            "<{p}Ntry>\n{}\n{status}\n<{p}BookgDt><{p}Dt>2025-04-22</{p}Dt></{p}BookgDt>\n",
            amount(entry.amount, i % 2 == 0)
        ));
        if entry.with_details {
            let party = if v08 {
                format!("<{p}Pty><{p}Nm>KHACH HANG {i}</{p}Nm></{p}Pty>")
            } else {
                format!("<{p}Nm>KHACH HANG {i}</{p}Nm>")
            };
            let role = if entry.amount > 0 { "Dbtr" } else { "Cdtr" };
            xml.push_str(&format!(
                "<{p}NtryDtls><{p}TxDtls><{p}Refs><{p}AcctSvcrRef>{}</{p}AcctSvcrRef></{p}Refs>\
                 <{p}RltdPties><{p}{role}>{party}</{p}{role}></{p}RltdPties>\
                 <{p}RmtInf><{p}Ustrd>DH{i} chuyen tien</{p}Ustrd></{p}RmtInf></{p}TxDtls></{p}NtryDtls>\n",
                entry.reference
            ));
        } else {
            xml.push_str(&format!(
                "<{p}AcctSvcrRef>{}</{p}AcctSvcrRef><{p}AddtlNtryInf>DH{i} chuyen tien</{p}AddtlNtryInf>\n",
                entry.reference
            ));
        }
        xml.push_str(&format!("</{p}Ntry>\n"));
    }
    xml.push_str(&format!(
        "</{p}Stmt>\n</{p}BkToCstmrStmt>\n</{p}Document>\n"
    ));
    if crlf {
        xml.replace('\n', "\r\n")
    } else {
        xml
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_statements_round_trip(
        opening in -1_000_000_000i64..=1_000_000_000,
        entries in prop::collection::vec(gen_entry(), 0..20),
        v08: bool,
        prefix: bool,
        crlf: bool,
    ) {
        let xml = render(opening, &entries, v08, prefix, crlf);
        let rows: Vec<_> = CamtReader::new(xml.as_bytes()).collect();
        let booked: Vec<(usize, &GenEntry)> =
            entries.iter().enumerate().filter(|(_, e)| e.status == "BOOK").collect();
        prop_assert_eq!(rows.len(), booked.len());
        let ntry = format!("<{}Ntry>", if prefix { "c:" } else { "" });
        let mut balance = opening;
        for (row, (i, generated)) in rows.iter().zip(booked) {
            let entry = row.as_ref().map_err(|e| TestCaseError::fail(e.to_string()))?;
            balance += generated.amount;
            prop_assert_eq!(entry.amount, generated.amount);
            prop_assert_eq!(entry.balance, Some(balance));
            prop_assert_eq!(entry.reference.as_deref(), Some(generated.reference.as_str()));
            prop_assert_eq!(&entry.description, &format!("DH{i} chuyen tien"));
            prop_assert_eq!(entry.line, line_of(&xml, &ntry, i));
            prop_assert_eq!(entry.account.as_deref(), Some("0071000999888"));
            let name = format!("KHACH HANG {i}");
            prop_assert_eq!(
                entry.counterparty_name.as_deref(),
                generated.with_details.then_some(name.as_str())
            );
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let rows: Vec<_> = CamtReader::new(&bytes[..]).collect();
        for row in rows {
            match row {
                Ok(entry) => prop_assert!(entry.amount != 0),
                Err(error) => prop_assert!(!error.message.is_empty() && error.line >= 1),
            }
        }
    }

    #[test]
    fn damaged_statements_never_panic(
        cut in 0usize..5000,
        flips in prop::collection::vec((0usize..5000, any::<u8>()), 0..4),
    ) {
        let mut bytes = VCB_053_V02.as_bytes().to_vec();
        for (at, byte) in flips {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        bytes.truncate(cut.min(bytes.len()));
        let rows: Vec<_> = CamtReader::new(&bytes[..]).collect();
        // Each row has its own source (see "Errors" in the camt module docs): an entry
        // (`Ntry`, a row or an error), a balance (`Bal`, an error when it cannot be read),
        // the statement's account (an error when it cannot be read), the closing-balance
        // check at the end of the statement, and one final error for XML that is broken or
        // cut short. So not just the entries plus one error: a damaged CLBD balance in a
        // truncated file gives six rows (`damaged_closing_balance_in_a_truncated_statement`).
        let text = String::from_utf8_lossy(&bytes);
        let sources = text.matches("<Ntry>").count() + text.matches("<Bal>").count() + 3;
        prop_assert!(rows.len() <= sources, "{} rows: {:?}", rows.len(), rows);
        // Nothing gives two rows: in this sample every entry, balance and the account
        // start on lines of their own, so all rows but the final one have distinct lines.
        let mut lines: Vec<u64> = rows[..rows.len().saturating_sub(1)]
            .iter()
            .map(|row| match row {
                Ok(entry) => entry.line,
                Err(error) => error.line,
            })
            .collect();
        let before = lines.len();
        lines.sort_unstable();
        lines.dedup();
        prop_assert_eq!(lines.len(), before, "two rows on one line: {:?}", rows);
        for row in rows {
            match row {
                Ok(entry) => {
                    prop_assert!(entry.amount != 0);
                    prop_assert!(entry.line >= 1);
                    prop_assert!(entry.raw.chars().count() <= 4000);
                }
                Err(error) => prop_assert!(!error.message.is_empty()),
            }
        }
    }

    #[test]
    fn markup_soup_never_panics(parts in prop::collection::vec(prop_oneof![
        Just("<Document>"), Just("</Document>"), Just("<BkToCstmrStmt>"), Just("<Stmt>"),
        Just("</Stmt>"), Just("<Ntry>"), Just("</Ntry>"), Just("<Amt Ccy=\"VND\">"), Just("</Amt>"),
        Just("<CdtDbtInd>"), Just("</CdtDbtInd>"), Just("CRDT"), Just("DBIT"), Just("1000"),
        Just("<Bal>"), Just("</Bal>"), Just("<Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>"),
        Just("<BookgDt><Dt>2025-01-01</Dt></BookgDt>"), Just("&amp;"), Just("&x;"), Just("<a/>"),
        Just("\n"), Just("<![CDATA[x]]>"), Just("<!-- c -->"), Just("<Sts>PDNG</Sts>"),
    ], 0..60)) {
        let xml: String = parts.concat();
        let rows: Vec<_> = CamtReader::new(xml.as_bytes()).collect();
        prop_assert!(rows.len() <= xml.matches("<Ntry>").count() + xml.matches("<Bal>").count() + 2);
    }
}
