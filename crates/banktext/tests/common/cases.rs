//! The test corpus: for every bank family, the spec example first, then
//! variants in the same style (debit, no balance, diacritics, masked
//! account, truncated memo, other separators and date orders, older and
//! newer layouts).

use banktext::Bank;
use banktext::TimePrecision::{Day, Minutes, Received, Seconds};

use super::Expect;

/// Every family's cases, in [`Bank::ALL`] order.
pub fn all() -> Vec<(Bank, Vec<Expect>)> {
    vec![
        (Bank::Vietcombank, vietcombank()),
        (Bank::Techcombank, techcombank()),
        (Bank::MbBank, mb_bank()),
        (Bank::Acb, acb()),
        (Bank::VietinBank, vietinbank()),
        (Bank::Bidv, bidv()),
        (Bank::TpBank, tpbank()),
        (Bank::VpBank, vpbank()),
        (Bank::Agribank, agribank()),
        (Bank::Ocb, ocb()),
        (Bank::Vib, vib()),
        (Bank::Scb, scb()),
        (Bank::SeABank, seabank()),
        (Bank::Msb, msb()),
    ]
}

/// Texts that must be ignored (not transactions).
pub const IGNORED: &[&str] = &[
    "Ma OTP cua ban la 123456. Vui long KHONG cung cap ma nay cho bat ky ai.",
    "VCB: Ma xac thuc giao dich chuyen tien 5,000,000 VND toi TK 0123456789 la 654321. Het han sau 3 phut.",
    "Mã OTP của Quý khách là 987654, có hiệu lực trong 2 phút.",
    "VPBank: Uu dai thang 5 - giam 50% phi thuong nien the tin dung, hoan tien toi 500,000d. Dang ky ngay! Tu choi QC soan TC gui 9089",
    "Techcombank: Khuyen mai giam ngay 30,000d khi thanh toan QR tai cua hang tien loi. Chi tiet: techcombank.com.vn",
    "Ưu đãi tháng 5: giảm 20% khi mở thẻ tín dụng. Đăng ký ngay!",
    "Tai khoan VCB Digibank cua Quy khach da dang nhap tren thiet bi moi luc 10:20 25/04/2025. Neu khong phai Quy khach, vui long goi 1900545413.",
    "Agribank thong bao: he thong bao tri tu 23h00 ngay 25/04 den 02h00 ngay 26/04.",
    "",
    "   \n  ",
];

/// Texts that must be unparsed (maybe transactions, not readable with
/// confidence).
pub const UNPARSED: &[&str] = &[
    // Garbage with numbers.
    "asdf 12,345 qwer +9 zxcv",
    // Two conflicting amounts.
    "TK 0801xxxx5678|GD: +350,000VND 21/04/25 14:05|GD: -120,000VND 21/04/25 14:05|SD:2,350,000VND|ND: DH4410",
    // Opening balance + amount != closing balance.
    "TK 0100012345670001 NGAY 26/04/25 09:48 SD DAU 1,000,000 TANG 250,000 SD CUOI 1,350,000 VND (DH1300 TT)",
    // A bank-looking text without its amount.
    "SD TK 0123456789012 luc 03-05-2025 10:15:22. SD 12,345,678VND. Ref MBVCB.9876543210.DH1042.Thanh toan",
    // A decimal part that is not zeros.
    "TK 0801xxxx5678|GD: +350,000.50VND 21/04/25 14:05|SD:2,350,000VND|ND: DH4410",
    // An impossible date.
    "VietinBank:31/02/2025 16:45|TK:100012345678|GD:+2,000,000VND|SDC:9,000,000VND|ND:DH6630",
    // A zero amount.
    "ACB: TK 12345678(VND) + 0 luc 09:30 22/04/2025. So du 7,500,000.GD: DH5520",
    // A balance the layout cannot read ends up in the memo.
    "TK 123456789 tai VPB tang 1,500,000VND do DH9960 thanh toan. So du TK sau GD la 6,500,000.5VND",
    // A space-grouped balance running into an unlabeled memo: `8 456 000 123`
    // or `8 456 000` and a memo starting with `123`?
    "TK 19030000001234 So tien GD:+1,200,000 So du:8 456 000 123 chuyen khoan",
    // Badly grouped amount.
    "10:11;26/04/2025 TK:012345678901234VND PS:+420,00 ND:DH1290 SODU:+1,420,000",
];

fn vietcombank() -> Vec<Expect> {
    vec![
        Expect {
            text: "SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22. SD 12,345,678VND. Ref MBVCB.9876543210.DH1042.Thanh toan",
            received: "2025-05-03T03:15:30Z",
            amount: 2_500_000,
            balance: Some(12_345_678),
            booked: "2025-05-03T03:15:22Z",
            precision: Seconds,
            account: Some("0123456789012"),
            description: "DH1042.Thanh toan",
            reference: "MBVCB.9876543210",
            ..Expect::default()
        },
        Expect {
            text: "So du TK VCB 0123456789 thay doi +150,000 VND luc 12-03-2025 08:01:09. So du 3,150,000 VND. Ref 5123.120325.080109.DH2001",
            received: "2025-03-12T01:01:30Z",
            amount: 150_000,
            balance: Some(3_150_000),
            booked: "2025-03-12T01:01:09Z",
            precision: Seconds,
            account: Some("0123456789"),
            description: "DH2001",
            reference: "5123.120325.080109",
            ..Expect::default()
        },
        Expect {
            text: "Số dư TK VCB 0123456789 thay đổi -45,000 VND lúc 12-03-2025 21:30:00. Số dư 3,105,000 VND. Ref MBVCB.1122334455.Thanh toán đơn hàng DH2002",
            received: "2025-03-12T14:30:05Z",
            amount: -45_000,
            balance: Some(3_105_000),
            booked: "2025-03-12T14:30:00Z",
            precision: Seconds,
            account: Some("0123456789"),
            description: "Thanh toán đơn hàng DH2002",
            reference: "MBVCB.1122334455",
            ..Expect::default()
        },
        Expect {
            text: "SD TK 0123xxx789 -1,200,000VND luc 05-05-2025 23:59:59. Ref IBVCB.5566778899.Chuyen tien thue nha",
            received: "2025-05-05T17:00:10Z",
            amount: -1_200_000,
            booked: "2025-05-05T16:59:59Z",
            precision: Seconds,
            account: Some("0123xxx789"),
            description: "Chuyen tien thue nha",
            reference: "IBVCB.5566778899",
            ..Expect::default()
        },
        Expect {
            text: "SD TK 0123456789012 +500,000VND luc 01-01-2025 00:00:05. SD 12,845,678VND. Ref MBVCB.9876543211.DH1043 NGUYEN VAN A chuyen tien mua hang tai cua hang so 12 duong Le L",
            received: "2024-12-31T17:00:20Z",
            amount: 500_000,
            balance: Some(12_845_678),
            booked: "2024-12-31T17:00:05Z",
            precision: Seconds,
            account: Some("0123456789012"),
            description: "DH1043 NGUYEN VAN A chuyen tien mua hang tai cua hang so 12 duong Le L",
            reference: "MBVCB.9876543211",
            ..Expect::default()
        },
        Expect {
            text: "VCB: SD TK 0123456789012 +1.000.000VND luc 02-05-25 09:00. SD 13.345.678VND. Ref Chuyen tien DH1044",
            received: "2025-05-02T02:00:40Z",
            amount: 1_000_000,
            balance: Some(13_345_678),
            booked: "2025-05-02T02:00:00Z",
            precision: Minutes,
            account: Some("0123456789012"),
            description: "Chuyen tien DH1044",
            ..Expect::default()
        },
        Expect {
            text: "SD TK 0123456789012 -2,500,000.00VND luc 03-05-2025 10:16:00. SD 9,845,678.00VND. Ref MBVCB.9876543212.DH1045",
            received: "2025-05-03T03:16:30Z",
            amount: -2_500_000,
            balance: Some(9_845_678),
            booked: "2025-05-03T03:16:00Z",
            precision: Seconds,
            account: Some("0123456789012"),
            description: "DH1045",
            reference: "MBVCB.9876543212",
            ..Expect::default()
        },
    ]
}

fn techcombank() -> Vec<Expect> {
    vec![
        Expect {
            text: "TK 19030000001234 So tien GD:+1,200,000 So du:8,456,000 DH3301 chuyen khoan",
            received: "2025-04-22T03:00:00Z",
            amount: 1_200_000,
            balance: Some(8_456_000),
            booked: "2025-04-22T03:00:00Z",
            precision: Received,
            account: Some("19030000001234"),
            description: "DH3301 chuyen khoan",
            ..Expect::default()
        },
        Expect {
            text: "TK 1903xxxxxx1234 So tien GD:-55,000 So du:8,401,000 THANH TOAN QR DH3302",
            received: "2025-04-22T03:10:00Z",
            amount: -55_000,
            balance: Some(8_401_000),
            booked: "2025-04-22T03:10:00Z",
            precision: Received,
            account: Some("1903xxxxxx1234"),
            description: "THANH TOAN QR DH3302",
            ..Expect::default()
        },
        Expect {
            text: "TK 19030000001234 So tien GD:+2,000,000 DH3303 chuyen khoan",
            received: "2025-04-22T03:20:00Z",
            amount: 2_000_000,
            booked: "2025-04-22T03:20:00Z",
            precision: Received,
            account: Some("19030000001234"),
            description: "DH3303 chuyen khoan",
            ..Expect::default()
        },
        Expect {
            text: "Techcombank: Tài khoản 19030000001234\nSố tiền GD: +1,200,000 VND\nSố dư: 9,601,000 VND\nThời gian: 22/04/2025 10:05\nNội dung: DH3305 chuyển khoản",
            received: "2025-04-22T03:06:00Z",
            amount: 1_200_000,
            balance: Some(9_601_000),
            booked: "2025-04-22T03:05:00Z",
            precision: Minutes,
            account: Some("19030000001234"),
            description: "DH3305 chuyển khoản",
            ..Expect::default()
        },
        Expect {
            text: "TK 19030000001234 So tien GD:+1,200,000 So du:10,801,000 NGUYEN VAN B chuyen khoan DH3304 thanh toan tien hang thang 4 cho cong ty TNHH Th",
            received: "2025-04-22T04:00:00Z",
            amount: 1_200_000,
            balance: Some(10_801_000),
            booked: "2025-04-22T04:00:00Z",
            precision: Received,
            account: Some("19030000001234"),
            description: "NGUYEN VAN B chuyen khoan DH3304 thanh toan tien hang thang 4 cho cong ty TNHH Th",
            ..Expect::default()
        },
        Expect {
            text: "Techcombank: TK 19030000001234 So tien GD:-1 000 000 So du:9 801 000 ND: Rut tien mat",
            received: "2025-04-22T05:00:00Z",
            amount: -1_000_000,
            balance: Some(9_801_000),
            booked: "2025-04-22T05:00:00Z",
            precision: Received,
            account: Some("19030000001234"),
            description: "Rut tien mat",
            ..Expect::default()
        },
    ]
}

fn mb_bank() -> Vec<Expect> {
    vec![
        Expect {
            text: "TK 0801xxxx5678|GD: +350,000VND 21/04/25 14:05|SD:2,350,000VND|ND: DH4410 NGUYEN VAN B chuyen tien",
            received: "2025-04-21T07:05:30Z",
            amount: 350_000,
            balance: Some(2_350_000),
            booked: "2025-04-21T07:05:00Z",
            account: Some("0801xxxx5678"),
            description: "DH4410 NGUYEN VAN B chuyen tien",
            ..Expect::default()
        },
        Expect {
            text: "TK 0801xxxx5678|GD: -120,000VND 21/04/25 20:15|SD:2,230,000VND",
            received: "2025-04-21T13:15:30Z",
            amount: -120_000,
            balance: Some(2_230_000),
            booked: "2025-04-21T13:15:00Z",
            account: Some("0801xxxx5678"),
            ..Expect::default()
        },
        Expect {
            text: "TK 0801xxxx5678|GD: -30,000VND 22/04/25 07:45|SD:2,200,000VND|ND: Thanh toán tiền điện DH4411",
            received: "2025-04-22T00:45:30Z",
            amount: -30_000,
            balance: Some(2_200_000),
            booked: "2025-04-22T00:45:00Z",
            account: Some("0801xxxx5678"),
            description: "Thanh toán tiền điện DH4411",
            ..Expect::default()
        },
        Expect {
            text: "MBBANK: TK 080112345678\nGD: +1,000,000VND 22/04/2025 09:00:01\nSD: 3,200,000VND\nTU: 0123456789 NGUYEN VAN C\nND: DH4412 chuyen tien",
            received: "2025-04-22T02:00:30Z",
            amount: 1_000_000,
            balance: Some(3_200_000),
            booked: "2025-04-22T02:00:01Z",
            precision: Seconds,
            account: Some("080112345678"),
            description: "DH4412 chuyen tien",
            counterparty: Some("0123456789 NGUYEN VAN C"),
            ..Expect::default()
        },
        Expect {
            text: "TK 0801xxxx5678|GD: +75,000VND 23/04/25 12:00|ND: DH4413 NGUYEN THI D chuyen tien mua 3 hop banh trung thu va 2 hop tra o cua hang quan 1 thanh pho Ho C",
            received: "2025-04-23T05:00:30Z",
            amount: 75_000,
            booked: "2025-04-23T05:00:00Z",
            account: Some("0801xxxx5678"),
            description: "DH4413 NGUYEN THI D chuyen tien mua 3 hop banh trung thu va 2 hop tra o cua hang quan 1 thanh pho Ho C",
            ..Expect::default()
        },
        Expect {
            text: "TK 0801xxxx5678|GD: +1.500.000VND 23/04/25 13:00|SD:4.775.000VND|ND: DH4414",
            received: "2025-04-23T06:00:30Z",
            amount: 1_500_000,
            balance: Some(4_775_000),
            booked: "2025-04-23T06:00:00Z",
            account: Some("0801xxxx5678"),
            description: "DH4414",
            ..Expect::default()
        },
    ]
}

fn acb() -> Vec<Expect> {
    vec![
        Expect {
            text: "ACB: TK 12345678(VND) + 500,000 luc 09:30 22/04/2025. So du 7,500,000.GD: DH5520 thanh toan",
            received: "2025-04-22T02:31:00Z",
            amount: 500_000,
            balance: Some(7_500_000),
            booked: "2025-04-22T02:30:00Z",
            account: Some("12345678"),
            description: "DH5520 thanh toan",
            ..Expect::default()
        },
        Expect {
            text: "ACB: TK 12345678(VND) - 150,000 luc 18:45 22/04/2025. So du 7,350,000. GD: Thanh toan QR DH5521",
            received: "2025-04-22T11:46:00Z",
            amount: -150_000,
            balance: Some(7_350_000),
            booked: "2025-04-22T11:45:00Z",
            account: Some("12345678"),
            description: "Thanh toan QR DH5521",
            ..Expect::default()
        },
        Expect {
            text: "ACB: TK 12345678(VND) + 1,000,000 lúc 07:05 23/04/2025. Số dư 8,350,000. GD: NGUYỄN VĂN D chuyển tiền DH5522",
            received: "2025-04-23T00:06:00Z",
            amount: 1_000_000,
            balance: Some(8_350_000),
            booked: "2025-04-23T00:05:00Z",
            account: Some("12345678"),
            description: "NGUYỄN VĂN D chuyển tiền DH5522",
            ..Expect::default()
        },
        Expect {
            text: "ACB: TK 12345678(VND) + 200,000 luc 12:00 23/04/2025. GD: DH5523",
            received: "2025-04-23T05:01:00Z",
            amount: 200_000,
            booked: "2025-04-23T05:00:00Z",
            account: Some("12345678"),
            description: "DH5523",
            ..Expect::default()
        },
        Expect {
            text: "ACB: TK **3896(VND) + 300,000 luc 09:30 24/04/25. So du 8,650,000. GD: DH5524 tt don hang thang 4 cua khach le tai quay so 3 chi nhanh Ha Noi nhan vien Ng",
            received: "2025-04-24T02:31:00Z",
            amount: 300_000,
            balance: Some(8_650_000),
            booked: "2025-04-24T02:30:00Z",
            account: Some("**3896"),
            description: "DH5524 tt don hang thang 4 cua khach le tai quay so 3 chi nhanh Ha Noi nhan vien Ng",
            ..Expect::default()
        },
    ]
}

fn vietinbank() -> Vec<Expect> {
    vec![
        Expect {
            text: "VietinBank:22/04/2025 16:45|TK:100012345678|GD:+2,000,000VND|SDC:9,000,000VND|ND:DH6630 chuyen tien hang",
            received: "2025-04-22T09:46:00Z",
            amount: 2_000_000,
            balance: Some(9_000_000),
            booked: "2025-04-22T09:45:00Z",
            account: Some("100012345678"),
            description: "DH6630 chuyen tien hang",
            ..Expect::default()
        },
        Expect {
            text: "VietinBank:22/04/2025 18:02|TK:1000xxxx5678|GD:-500,000VND|SDC:8,500,000VND|ND:CT DI:123456 thanh toan tien hang DH6631",
            received: "2025-04-22T11:03:00Z",
            amount: -500_000,
            balance: Some(8_500_000),
            booked: "2025-04-22T11:02:00Z",
            account: Some("1000xxxx5678"),
            description: "CT DI:123456 thanh toan tien hang DH6631",
            ..Expect::default()
        },
        Expect {
            text: "VietinBank:23/04/2025 07:30|TK:100012345678|GD:+1,500,000VND|SDC:10,000,000VND|ND:Nguyễn Thị E chuyển tiền DH6632",
            received: "2025-04-23T00:31:00Z",
            amount: 1_500_000,
            balance: Some(10_000_000),
            booked: "2025-04-23T00:30:00Z",
            account: Some("100012345678"),
            description: "Nguyễn Thị E chuyển tiền DH6632",
            ..Expect::default()
        },
        Expect {
            text: "VietinBank:23/04/2025 08:00:15|TK:100012345678|GD:+100,000VND|ND:DH6633",
            received: "2025-04-23T01:01:00Z",
            amount: 100_000,
            booked: "2025-04-23T01:00:15Z",
            precision: Seconds,
            account: Some("100012345678"),
            description: "DH6633",
            ..Expect::default()
        },
        Expect {
            text: "VietinBank:23/04/2025 09:10\nTK:100012345678\nGD:+250,000VND\nSDC:10,350,000VND\nND:CT DEN:0123456789 NGUYEN VAN F chuyen tien DH6634 mua hang online qua san thuong mai dien tu S",
            received: "2025-04-23T02:11:00Z",
            amount: 250_000,
            balance: Some(10_350_000),
            booked: "2025-04-23T02:10:00Z",
            account: Some("100012345678"),
            description: "CT DEN:0123456789 NGUYEN VAN F chuyen tien DH6634 mua hang online qua san thuong mai dien tu S",
            ..Expect::default()
        },
    ]
}

fn bidv() -> Vec<Expect> {
    vec![
        Expect {
            text: "TK12010000123456 tai BIDV +750,000VND vao 11:20 23/04/2025. So du:3,750,000VND. ND: DH7740 TT don hang",
            received: "2025-04-23T04:21:00Z",
            amount: 750_000,
            balance: Some(3_750_000),
            booked: "2025-04-23T04:20:00Z",
            account: Some("12010000123456"),
            description: "DH7740 TT don hang",
            ..Expect::default()
        },
        Expect {
            text: "TK1201xxxx3456 tai BIDV -200,000VND vao 19:05 23/04/2025. So du:3,550,000VND. ND: TT hoa don dien DH7741",
            received: "2025-04-23T12:06:00Z",
            amount: -200_000,
            balance: Some(3_550_000),
            booked: "2025-04-23T12:05:00Z",
            account: Some("1201xxxx3456"),
            description: "TT hoa don dien DH7741",
            ..Expect::default()
        },
        Expect {
            text: "TK12010000123456 tại BIDV +1,250,000VND vào 08:40 24/04/2025. Số dư:4,800,000VND. ND: Trần Văn F chuyển tiền DH7742",
            received: "2025-04-24T01:41:00Z",
            amount: 1_250_000,
            balance: Some(4_800_000),
            booked: "2025-04-24T01:40:00Z",
            account: Some("12010000123456"),
            description: "Trần Văn F chuyển tiền DH7742",
            ..Expect::default()
        },
        Expect {
            text: "TK12010000123456 tai BIDV +100,000VND vao 08:41 24/04/2025. ND: DH7743",
            received: "2025-04-24T01:42:00Z",
            amount: 100_000,
            booked: "2025-04-24T01:41:00Z",
            account: Some("12010000123456"),
            description: "DH7743",
            ..Expect::default()
        },
        Expect {
            text: "BIDV: Thời gian giao dịch: 24/04/2025 09:15:02\nTài khoản: 12010000123456\nSố tiền: +300,000 VND\nSố dư cuối: 5,200,000 VND\nNội dung: DH7744 thanh toán",
            received: "2025-04-24T02:16:00Z",
            amount: 300_000,
            balance: Some(5_200_000),
            booked: "2025-04-24T02:15:02Z",
            precision: Seconds,
            account: Some("12010000123456"),
            description: "DH7744 thanh toán",
            ..Expect::default()
        },
        Expect {
            text: "TK12010000123456 tai BIDV +50,000VND vao 10:00 24/04/2025. So du:5,250,000VND. ND: DH7745 NGUYEN VAN G chuyen tien thanh toan don hang so 7745 ngay 24 thang 4 nam 2025 giao h",
            received: "2025-04-24T03:01:00Z",
            amount: 50_000,
            balance: Some(5_250_000),
            booked: "2025-04-24T03:00:00Z",
            account: Some("12010000123456"),
            description: "DH7745 NGUYEN VAN G chuyen tien thanh toan don hang so 7745 ngay 24 thang 4 nam 2025 giao h",
            ..Expect::default()
        },
    ]
}

fn tpbank() -> Vec<Expect> {
    vec![
        Expect {
            text: "(TPBank): 24/04/25;08:12\nTK: xxxx4567\nPS:+99.000VND\nSD KHA DUNG: 1.099.000VND\nND: DH8850 mua hang\nSO GD: 123ABC4567890",
            received: "2025-04-24T01:12:30Z",
            amount: 99_000,
            balance: Some(1_099_000),
            booked: "2025-04-24T01:12:00Z",
            account: Some("xxxx4567"),
            description: "DH8850 mua hang",
            reference: "123ABC4567890",
            ..Expect::default()
        },
        Expect {
            text: "(TPBank): 24/04/25;12:30\nTK: xxxx4567\nPS:-50.000VND\nSD KHA DUNG: 1.049.000VND\nSO GD: 456DEF7890123",
            received: "2025-04-24T05:30:30Z",
            amount: -50_000,
            balance: Some(1_049_000),
            booked: "2025-04-24T05:30:00Z",
            account: Some("xxxx4567"),
            reference: "456DEF7890123",
            ..Expect::default()
        },
        Expect {
            text: "(TPBank): 25/04/25;09:00\nTK: xxxx4567\nPS:+1.200.000VND\nSD KHẢ DỤNG: 2.249.000VND\nND: Lê Văn G chuyển tiền DH8851\nSỐ GD: 789GHI0123456",
            received: "2025-04-25T02:00:30Z",
            amount: 1_200_000,
            balance: Some(2_249_000),
            booked: "2025-04-25T02:00:00Z",
            account: Some("xxxx4567"),
            description: "Lê Văn G chuyển tiền DH8851",
            reference: "789GHI0123456",
            ..Expect::default()
        },
        Expect {
            text: "(TPBank): 25/04/2025;10:00 TK: xxxx4567 PS:+10.000VND SD KHA DUNG: 2.259.000VND ND: DH8852 SO GD: 111AAA2223334",
            received: "2025-04-25T03:00:30Z",
            amount: 10_000,
            balance: Some(2_259_000),
            booked: "2025-04-25T03:00:00Z",
            account: Some("xxxx4567"),
            description: "DH8852",
            reference: "111AAA2223334",
            ..Expect::default()
        },
        Expect {
            text: "(TPBank): 25/04/25;11:11\r\nTK: xxxx4567\r\nPS:+20.000VND\r\nND: DH8853 thanh toan tien hang cho cua hang tap hoa so 5 duong Nguyen Trai quan 5 TP",
            received: "2025-04-25T04:11:30Z",
            amount: 20_000,
            booked: "2025-04-25T04:11:00Z",
            account: Some("xxxx4567"),
            description: "DH8853 thanh toan tien hang cho cua hang tap hoa so 5 duong Nguyen Trai quan 5 TP",
            ..Expect::default()
        },
    ]
}

fn vpbank() -> Vec<Expect> {
    vec![
        Expect {
            text: "TK 123456789 tai VPB tang 1,500,000VND do DH9960 thanh toan. So du TK sau GD la 6,500,000VND",
            received: "2025-04-24T08:00:00Z",
            amount: 1_500_000,
            balance: Some(6_500_000),
            booked: "2025-04-24T08:00:00Z",
            precision: Received,
            account: Some("123456789"),
            description: "DH9960 thanh toan",
            ..Expect::default()
        },
        Expect {
            text: "TK 123456789 tai VPB giam 250,000VND do Thanh toan hoa don DH9961. So du TK sau GD la 6,250,000VND",
            received: "2025-04-24T08:10:00Z",
            amount: -250_000,
            balance: Some(6_250_000),
            booked: "2025-04-24T08:10:00Z",
            precision: Received,
            account: Some("123456789"),
            description: "Thanh toan hoa don DH9961",
            ..Expect::default()
        },
        Expect {
            text: "TK 123456789 tại VPB tăng 300,000VND lúc 15:30 24/04/2025 do Nguyễn Văn H chuyển tiền DH9962. Số dư TK sau GD là 6,550,000VND",
            received: "2025-04-24T08:31:00Z",
            amount: 300_000,
            balance: Some(6_550_000),
            booked: "2025-04-24T08:30:00Z",
            precision: Minutes,
            account: Some("123456789"),
            description: "Nguyễn Văn H chuyển tiền DH9962",
            ..Expect::default()
        },
        Expect {
            text: "TK xxxxx6789 tai VPB tang 20,000VND do DH9963. So du TK sau GD la 6,570,000VND",
            received: "2025-04-24T09:00:00Z",
            amount: 20_000,
            balance: Some(6_570_000),
            booked: "2025-04-24T09:00:00Z",
            precision: Received,
            account: Some("xxxxx6789"),
            description: "DH9963",
            ..Expect::default()
        },
        Expect {
            text: "TK 123456789 tai VPB tang 5,000,000VND do DH9964 CONG TY TNHH ABC thanh toan tien hang theo hop dong so 15 ngay 20 thang 4 nam 2025 va hoa don GTG",
            received: "2025-04-24T10:00:00Z",
            amount: 5_000_000,
            booked: "2025-04-24T10:00:00Z",
            precision: Received,
            account: Some("123456789"),
            description: "DH9964 CONG TY TNHH ABC thanh toan tien hang theo hop dong so 15 ngay 20 thang 4 nam 2025 va hoa don GTG",
            ..Expect::default()
        },
        Expect {
            text: "VPBank: TK 123456789 tai VPB giam 1.000.000VND luc 25/04/2025 08:05. So du TK sau GD la 5.570.000VND",
            received: "2025-04-25T01:06:00Z",
            amount: -1_000_000,
            balance: Some(5_570_000),
            booked: "2025-04-25T01:05:00Z",
            precision: Minutes,
            account: Some("123456789"),
            ..Expect::default()
        },
    ]
}

fn agribank() -> Vec<Expect> {
    vec![
        Expect {
            text: "Agribank: 10h05p 25/04 TK 1500201234567: +300,000VND (DH1070 chuyen khoan). SD: 1,300,000VND.",
            received: "2025-04-25T03:06:00Z",
            amount: 300_000,
            balance: Some(1_300_000),
            booked: "2025-04-25T03:05:00Z",
            account: Some("1500201234567"),
            description: "DH1070 chuyen khoan",
            ..Expect::default()
        },
        Expect {
            text: "Agribank: 14h30p 25/04 TK 1500201234567: -2,000,000VND (Thanh toan tien hang cho cong ty TNHH ABC theo hop dong so 123/2025 ngay 01/04/2025 dot 2 cua khach",
            received: "2025-04-25T07:31:00Z",
            amount: -2_000_000,
            booked: "2025-04-25T07:30:00Z",
            account: Some("1500201234567"),
            description: "Thanh toan tien hang cho cong ty TNHH ABC theo hop dong so 123/2025 ngay 01/04/2025 dot 2 cua khach",
            ..Expect::default()
        },
        Expect {
            text: "Agribank: 09h00p 26/04/2025 TK 1500201234567: +150,000VND (DH1072). SD: 1,450,000VND.",
            received: "2025-04-26T02:01:00Z",
            amount: 150_000,
            balance: Some(1_450_000),
            booked: "2025-04-26T02:00:00Z",
            account: Some("1500201234567"),
            description: "DH1072",
            ..Expect::default()
        },
        Expect {
            text: "Agribank: 10h05p 26/04 TK 1500201234567: +300,000VND (Nguyễn Văn H chuyển khoản DH1071). SD: 1,750,000VND.",
            received: "2025-04-26T03:06:00Z",
            amount: 300_000,
            balance: Some(1_750_000),
            booked: "2025-04-26T03:05:00Z",
            account: Some("1500201234567"),
            description: "Nguyễn Văn H chuyển khoản DH1071",
            ..Expect::default()
        },
        Expect {
            text: "Agribank: 08:15 27/04 TK 150020xxxx567: +1,000,000VND (DH1073)",
            received: "2025-04-27T01:16:00Z",
            amount: 1_000_000,
            booked: "2025-04-27T01:15:00Z",
            account: Some("150020xxxx567"),
            description: "DH1073",
            ..Expect::default()
        },
        Expect {
            text: "Agribank: 23h59p 31/12 TK 1500201234567: +10,000VND (DH1074). SD: 10,000VND.",
            received: "2026-01-01T00:30:00Z",
            amount: 10_000,
            balance: Some(10_000),
            booked: "2025-12-31T16:59:00Z",
            account: Some("1500201234567"),
            description: "DH1074",
            ..Expect::default()
        },
    ]
}

fn ocb() -> Vec<Expect> {
    vec![
        Expect {
            text: "OCB 25/04 10:03 TK 0012100001234567 (+) 2,000,000 VND N/dung: DH1180 thanh toan So du: 4,000,000 VND",
            received: "2025-04-25T03:04:00Z",
            amount: 2_000_000,
            balance: Some(4_000_000),
            booked: "2025-04-25T03:03:00Z",
            account: Some("0012100001234567"),
            description: "DH1180 thanh toan",
            ..Expect::default()
        },
        Expect {
            text: "OCB 25/04 18:20 TK 0012100001234567 (-) 150,000 VND N/dung: Thanh toan QR DH1181 So du: 3,850,000 VND",
            received: "2025-04-25T11:21:00Z",
            amount: -150_000,
            balance: Some(3_850_000),
            booked: "2025-04-25T11:20:00Z",
            account: Some("0012100001234567"),
            description: "Thanh toan QR DH1181",
            ..Expect::default()
        },
        Expect {
            text: "OCB 26/04 07:00 TK 0012100001234567 (+) 500,000 VND Nội dung: Phạm Văn I chuyển tiền DH1182 Số dư: 4,350,000 VND",
            received: "2025-04-26T00:01:00Z",
            amount: 500_000,
            balance: Some(4_350_000),
            booked: "2025-04-26T00:00:00Z",
            account: Some("0012100001234567"),
            description: "Phạm Văn I chuyển tiền DH1182",
            ..Expect::default()
        },
        Expect {
            text: "OCB 26/04/2025 08:00 TK 0012xxxx4567 (+) 1.000.000 VND N/dung: DH1183 So du: 5.350.000 VND",
            received: "2025-04-26T01:01:00Z",
            amount: 1_000_000,
            balance: Some(5_350_000),
            booked: "2025-04-26T01:00:00Z",
            account: Some("0012xxxx4567"),
            description: "DH1183",
            ..Expect::default()
        },
        Expect {
            text: "OCB 26/04 09:30 TK 0012100001234567 (+) 75,000 VND N/dung: DH1184 NGUYEN THI K chuyen tien mua hang qua ung dung cua cong ty va phi van chuyen noi thanh Ha No",
            received: "2025-04-26T02:31:00Z",
            amount: 75_000,
            booked: "2025-04-26T02:30:00Z",
            account: Some("0012100001234567"),
            description: "DH1184 NGUYEN THI K chuyen tien mua hang qua ung dung cua cong ty va phi van chuyen noi thanh Ha No",
            ..Expect::default()
        },
    ]
}

fn vib() -> Vec<Expect> {
    vec![
        Expect {
            text: "10:11;26/04/2025 TK:012345678901234VND PS:+420,000 ND:DH1290 CHUYEN KHOAN SODU:+1,420,000",
            received: "2025-04-26T03:12:00Z",
            amount: 420_000,
            balance: Some(1_420_000),
            booked: "2025-04-26T03:11:00Z",
            account: Some("012345678901234"),
            description: "DH1290 CHUYEN KHOAN",
            ..Expect::default()
        },
        Expect {
            text: "08:45;27/04/2025 TK:012345678901234VND PS:-120,000 ND:THANH TOAN HOA DON DH1291 SODU:+1,300,000",
            received: "2025-04-27T01:46:00Z",
            amount: -120_000,
            balance: Some(1_300_000),
            booked: "2025-04-27T01:45:00Z",
            account: Some("012345678901234"),
            description: "THANH TOAN HOA DON DH1291",
            ..Expect::default()
        },
        Expect {
            text: "09:00;27/04/2025 TK:0123xxxxxxx1234VND PS:+50,000 SODU:+1,350,000",
            received: "2025-04-27T02:01:00Z",
            amount: 50_000,
            balance: Some(1_350_000),
            booked: "2025-04-27T02:00:00Z",
            account: Some("0123xxxxxxx1234"),
            ..Expect::default()
        },
        Expect {
            text: "10:20;27/04/2025 TK:012345678901234VND PS:+100,000 ND:Phạm Thị K chuyển khoản DH1292 SODU:+1,450,000",
            received: "2025-04-27T03:21:00Z",
            amount: 100_000,
            balance: Some(1_450_000),
            booked: "2025-04-27T03:20:00Z",
            account: Some("012345678901234"),
            description: "Phạm Thị K chuyển khoản DH1292",
            ..Expect::default()
        },
        Expect {
            text: "11:00;27/04/2025 TK:012345678901234VND PS:+30,000 ND:DH1293 NGUYEN VAN L CHUYEN KHOAN THANH TOAN TIEN DIEN NUOC THANG 4 CHO CAN HO SO 12 TANG 3 TOA NHA A",
            received: "2025-04-27T04:01:00Z",
            amount: 30_000,
            booked: "2025-04-27T04:00:00Z",
            account: Some("012345678901234"),
            description: "DH1293 NGUYEN VAN L CHUYEN KHOAN THANH TOAN TIEN DIEN NUOC THANG 4 CHO CAN HO SO 12 TANG 3 TOA NHA A",
            ..Expect::default()
        },
        Expect {
            text: "VIB: 12:00;27/04/25 TK:012345678901234VND PS:-2,000,000 ND:Rut tien SODU:-520,000",
            received: "2025-04-27T05:01:00Z",
            amount: -2_000_000,
            balance: Some(-520_000),
            booked: "2025-04-27T05:00:00Z",
            account: Some("012345678901234"),
            description: "Rut tien",
            ..Expect::default()
        },
    ]
}

fn scb() -> Vec<Expect> {
    vec![
        Expect {
            text: "TK 0100012345670001 NGAY 26/04/25 09:48 SD DAU 1,000,000 TANG 250,000 SD CUOI 1,250,000 VND (DH1300 TT)",
            received: "2025-04-26T02:49:00Z",
            amount: 250_000,
            balance: Some(1_250_000),
            booked: "2025-04-26T02:48:00Z",
            account: Some("0100012345670001"),
            description: "DH1300 TT",
            ..Expect::default()
        },
        Expect {
            text: "TK 0100012345670001 NGAY 26/04/25 14:00 SD DAU 1,250,000 GIAM 50,000 SD CUOI 1,200,000 VND (Thanh toan QR DH1301)",
            received: "2025-04-26T07:01:00Z",
            amount: -50_000,
            balance: Some(1_200_000),
            booked: "2025-04-26T07:00:00Z",
            account: Some("0100012345670001"),
            description: "Thanh toan QR DH1301",
            ..Expect::default()
        },
        Expect {
            text: "TK 0100012345670001 NGÀY 27/04/25 08:00 SD ĐẦU 1,200,000 TĂNG 300,000 SD CUỐI 1,500,000 VND (Thanh toán tiền nước DH1302)",
            received: "2025-04-27T01:01:00Z",
            amount: 300_000,
            balance: Some(1_500_000),
            booked: "2025-04-27T01:00:00Z",
            account: Some("0100012345670001"),
            description: "Thanh toán tiền nước DH1302",
            ..Expect::default()
        },
        Expect {
            text: "TK 0100012345670001 NGAY 27/04/25 09:00 SD DAU 1,500,000 TANG 100,000 SD CUOI 1,600,000 VND (DH1303 NGUYEN VAN M chuyen tien thanh toan hoa don so 1303 thang 4 nam 2025 cho cua h",
            received: "2025-04-27T02:01:00Z",
            amount: 100_000,
            balance: Some(1_600_000),
            booked: "2025-04-27T02:00:00Z",
            account: Some("0100012345670001"),
            description: "DH1303 NGUYEN VAN M chuyen tien thanh toan hoa don so 1303 thang 4 nam 2025 cho cua h",
            ..Expect::default()
        },
        Expect {
            text: "SCB: TK 0100xxxxxxxx0001 NGAY 27/04/2025 10:00:30 SD DAU 1.600.000 GIAM 600.000 SD CUOI 1.000.000 VND (DH1304)",
            received: "2025-04-27T03:01:00Z",
            amount: -600_000,
            balance: Some(1_000_000),
            booked: "2025-04-27T03:00:30Z",
            precision: Seconds,
            account: Some("0100xxxxxxxx0001"),
            description: "DH1304",
            ..Expect::default()
        },
    ]
}

fn seabank() -> Vec<Expect> {
    vec![
        Expect {
            text: "SeABank: Ngay 27/04/2025 TK: 10200012345678 Phat sinh: +600,000 VND. So du: 1,600,000 VND. Nguoi chuyen: TRAN THI C. Noi dung: DH1410",
            received: "2025-04-27T05:00:00Z",
            amount: 600_000,
            balance: Some(1_600_000),
            booked: "2025-04-26T17:00:00Z",
            precision: Day,
            account: Some("10200012345678"),
            description: "DH1410",
            counterparty: Some("TRAN THI C"),
            ..Expect::default()
        },
        Expect {
            text: "SeABank: Ngay 27/04/2025 15:20 TK: 10200012345678 Phat sinh: -100,000 VND. So du: 1,500,000 VND. Noi dung: Thanh toan DH1411",
            received: "2025-04-27T08:21:00Z",
            amount: -100_000,
            balance: Some(1_500_000),
            booked: "2025-04-27T08:20:00Z",
            account: Some("10200012345678"),
            description: "Thanh toan DH1411",
            ..Expect::default()
        },
        Expect {
            text: "SeABank: Ngày 28/04/2025 TK: 10200012345678 Phát sinh: +250,000 VND. Số dư: 1,750,000 VND. Người chuyển: ĐỖ VĂN L. Nội dung: DH1412 chuyển tiền",
            received: "2025-04-28T02:00:00Z",
            amount: 250_000,
            balance: Some(1_750_000),
            booked: "2025-04-27T17:00:00Z",
            precision: Day,
            account: Some("10200012345678"),
            description: "DH1412 chuyển tiền",
            counterparty: Some("ĐỖ VĂN L"),
            ..Expect::default()
        },
        Expect {
            text: "SeABank: Ngay 28/04/2025 TK: 1020xxxx5678 Phat sinh: +40,000 VND. Noi dung: DH1413",
            received: "2025-04-28T03:00:00Z",
            amount: 40_000,
            booked: "2025-04-27T17:00:00Z",
            precision: Day,
            account: Some("1020xxxx5678"),
            description: "DH1413",
            ..Expect::default()
        },
        Expect {
            text: "SeABank: Ngay 28/04/2025 TK: 10200012345678 Phat sinh: +1,000,000 VND. So du: 2,790,000 VND. Nguoi chuyen: CONG TY TNHH XYZ. Noi dung: DH1414 thanh toan tien hang dot 1 theo hop dong mua ban so 14 ky ngay 1 thang 4 nam 2025 giua hai b",
            received: "2025-04-28T04:00:00Z",
            amount: 1_000_000,
            balance: Some(2_790_000),
            booked: "2025-04-27T17:00:00Z",
            precision: Day,
            account: Some("10200012345678"),
            description: "DH1414 thanh toan tien hang dot 1 theo hop dong mua ban so 14 ky ngay 1 thang 4 nam 2025 giua hai b",
            counterparty: Some("CONG TY TNHH XYZ"),
            ..Expect::default()
        },
    ]
}

fn msb() -> Vec<Expect> {
    vec![
        Expect {
            text: "27/04 13:59 TK 040xx1234 VND (+) 1.500.000 ND: DH1520 thanh toan SD: 2.500.000",
            received: "2025-04-27T07:00:00Z",
            amount: 1_500_000,
            balance: Some(2_500_000),
            booked: "2025-04-27T06:59:00Z",
            account: Some("040xx1234"),
            description: "DH1520 thanh toan",
            ..Expect::default()
        },
        Expect {
            text: "27/04 18:30 TK 040xx1234 VND (-) 300.000 ND: Thanh toan QR DH1521 SD: 2.200.000",
            received: "2025-04-27T11:31:00Z",
            amount: -300_000,
            balance: Some(2_200_000),
            booked: "2025-04-27T11:30:00Z",
            account: Some("040xx1234"),
            description: "Thanh toan QR DH1521",
            ..Expect::default()
        },
        Expect {
            text: "27/04 20:10 TK 040xx1234 VND (+) 200.000 ND: Hoàng Văn M chuyển khoản DH1522 SD: 2.400.000",
            received: "2025-04-27T13:11:00Z",
            amount: 200_000,
            balance: Some(2_400_000),
            booked: "2025-04-27T13:10:00Z",
            account: Some("040xx1234"),
            description: "Hoàng Văn M chuyển khoản DH1522",
            ..Expect::default()
        },
        Expect {
            text: "MSB: 28/04/2025 07:00 TK 04001011234 VND (-) 1.000.000 ND: Rut tien SD: 1.400.000",
            received: "2025-04-28T00:01:00Z",
            amount: -1_000_000,
            balance: Some(1_400_000),
            booked: "2025-04-28T00:00:00Z",
            account: Some("04001011234"),
            description: "Rut tien",
            ..Expect::default()
        },
        Expect {
            text: "28/04 09:00 TK 040xx1234 VND (+) 50.000 ND: DH1523 NGUYEN THI N chuyen tien thanh toan don hang so 1523 gom 3 san pham va phi giao hang noi thanh Ha Noi cua",
            received: "2025-04-28T02:01:00Z",
            amount: 50_000,
            booked: "2025-04-28T02:00:00Z",
            account: Some("040xx1234"),
            description: "DH1523 NGUYEN THI N chuyen tien thanh toan don hang so 1523 gom 3 san pham va phi giao hang noi thanh Ha Noi cua",
            ..Expect::default()
        },
    ]
}
