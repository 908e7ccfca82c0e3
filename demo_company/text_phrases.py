"""Phrase tables for text_bank: clause templates, fillers, openers and closers in Chinese and English.

Templates may contain {n} (a topic noun, e.g. a project or a manager) and {i} (an intensifier or hedge that
fits the polarity). Every template using {i} puts it straight before an adjective or a stative phrase, so all
fillers in INTENSIFIERS read naturally there. Message templates carry no final punctuation (closers add it),
except questions, which end in "?" / "？" and get question-friendly openers and closers.
Comment templates are complete sentences.
"""

from __future__ import annotations


def _lines(block: str) -> list[str]:
    return [ln.strip() for ln in block.strip().splitlines() if ln.strip()]


def _table(raw: dict[str, dict[str, dict[int, str]]]) -> dict[str, dict[str, dict[int, list[str]]]]:
    return {lang: {t: {p: _lines(b) for p, b in by_pol.items()} for t, by_pol in d.items()} for lang, d in raw.items()}


# Topic nouns substituted for {n}; comments use a more formal register where it differs.
NOUNS: dict[str, dict[str, dict[str, list[str]]]] = {
    "message": {
        "en": {
            "workload": ["launch", "migration", "Q3 release", "audit", "client demo", "year-end close", "app update"],
            "pay": ["bonus", "raise", "salary adjustment", "year-end bonus", "merit increase", "equity refresh"],
            "manager": ["my manager", "my lead", "our director", "the new manager", "my boss", "our team lead"],
            "career_growth": ["promotion", "transfer", "stretch assignment", "leadership program",
                              "certification", "rotation"],
            "recognition": ["demo", "release", "migration", "client pitch", "incident fix", "launch"],
            "colleagues": ["the design team", "the backend team", "the ops team", "the sales team",
                           "the QA team", "the data team"],
            "work_life_balance": ["on-call", "overtime", "weekend releases", "late calls", "business travel",
                                  "after-hours support"],
            "process": ["approval flow", "expense system", "ticketing process", "release checklist",
                        "procurement process", "reimbursement process"],
            "": [""],
        },
        "zh": {
            "workload": ["这个项目", "这次上线", "Q3 版本", "系统迁移", "年审", "客户 demo", "月底结账", "新版本"],
            "pay": ["年终奖", "调薪", "绩效奖金", "季度奖", "加薪", "期权"],
            "manager": ["老板", "我老大", "我们总监", "新来的经理", "leader", "主管"],
            "career_growth": ["晋升", "转岗", "轮岗", "管培项目", "认证考试", "挑战性项目"],
            "recognition": ["demo", "上线", "迁移", "客户提案", "故障修复", "发布会"],
            "colleagues": ["设计那边", "后端组", "运维", "销售团队", "测试组", "数据组"],
            "work_life_balance": ["值班", "开夜会", "周末发版", "加班", "跟美国开会", "出差"],
            "process": ["审批流程", "报销系统", "OA", "上线流程", "采购流程", "工单系统"],
            "": [""],
        },
    },
}
NOUNS["comment"] = {
    "en": dict(NOUNS["message"]["en"]),
    "zh": {
        **NOUNS["message"]["zh"],
        "manager": ["直属领导", "我的经理", "部门总监", "新来的经理", "团队负责人", "主管"],
        "colleagues": ["设计团队", "后端团队", "运维团队", "销售团队", "测试团队", "数据团队"],
    },
}

# Fillers for {i}, keyed kind -> lang -> polarity. Empty strings keep plain, unhedged variants common.
INTENSIFIERS: dict[str, dict[str, dict[int, list[str]]]] = {
    "message": {
        "en": {
            -1: ["really ", "so ", "super ", "kind of ", "a bit ", "pretty ", "", "seriously "],
            0: [""],
            1: ["really ", "so ", "super ", "pretty ", "genuinely ", "", "actually "],
        },
        "zh": {
            -1: ["太", "有点", "真的很", "实在太", "特别", "好", "挺"],
            0: [""],
            1: ["很", "挺", "真的很", "特别", "超", "还挺"],
        },
    },
    "comment": {
        "en": {
            -1: ["", "very ", "quite ", "extremely ", "increasingly ", "consistently "],
            0: [""],
            1: ["", "very ", "quite ", "consistently ", "genuinely ", "generally "],
        },
        "zh": {
            -1: ["比较", "非常", "越来越", "相当", "十分", "特别"],
            0: [""],
            1: ["比较", "非常", "很", "相当", "十分", "特别"],
        },
    },
}

# Message openers/closers: lang -> polarity -> (statement list, question list).
MSG_OPENERS: dict[str, dict[int, tuple[list[str], list[str]]]] = {
    "en": {
        -1: (["", "", "", "ugh, ", "honestly ", "not gonna lie, ", "sigh, ", "man, ", "welp, "],
             ["", "", "seriously, ", "ugh, "]),
        0: (["", "", "", "fyi ", "heads up, ", "quick update: ", "btw ", "hi all, ", "@Lena "],
            ["", "", "quick q: ", "hey, ", "@Lena ", "hi all, "]),
        1: (["", "", "", "yay ", "honestly ", "tbh ", "good news: ", "wow, ", "ok "], ["", ""]),
    },
    "zh": {
        -1: (["", "", "", "唉，", "说实话，", "哎，", "感觉", "服了，", "无语，"], ["", "", "真的，"]),
        0: (["", "", "", "同步一下：", "提醒一下，", "@小王 ", "大家好，", "更新：", "另外，"],
            ["", "", "请问", "问一下，", "@小王 ", "大家好，"]),
        1: (["", "", "", "哈哈，", "说实话，", "好消息，", "太好了，", "开心，"], ["", ""]),
    },
}
MSG_CLOSERS: dict[str, dict[int, tuple[list[str], list[str]]]] = {
    "en": {
        -1: (["", "", ".", "...", " :(", ", ugh", ". sigh", "!!", ", not great"], ["", " ??"]),
        0: (["", "", ".", ", thanks", ". thx", ", fyi", " - will update the thread"], ["", "", " thanks", " thx"]),
        1: (["", "", "!", ".", "!!", ", love it", ", thanks all", " :)"], ["", ""]),
    },
    "zh": {
        -1: (["", "", "。", "…", "，唉", "，心累", "，顶不住了", "啊", "。。。"], ["", "？"]),
        0: (["", "", "。", "，辛苦", "，谢谢", "，有问题再说", "哈"], ["", "", "谢谢", "～"]),
        1: (["", "", "！", "～", "，开心", "，赞", "，感动", "！！"], ["", ""]),
    },
}
EMOJI: dict[str, dict[int, list[str]]] = {
    "en": {-1: ["😩", "😤", "😓", "😞", "😭", "🤦"], 0: ["👌", "🙏", "👀", "✅"], 1: ["😊", "👍", "🎉", "🙌", "😄", "💪"]},
    "zh": {
        -1: ["😩", "😤", "😓", "😭", "[捂脸]", "[流泪]", "🤦"],
        0: ["👌", "🙏", "[OK]", "[抱拳]", "✅"],
        1: ["😊", "👍", "🎉", "[强]", "[耶]", "💪", "😄"],
    },
}

COMMENT_OPENERS: dict[str, dict[int, list[str]]] = {
    "en": {
        -1: ["", "", "", "To be honest, ", "Frankly, ", "In my view, ", "Overall, ", "Over the past quarter, "],
        0: ["", "", "", "For context, ", "Generally, ", "Overall, "],
        1: ["", "", "", "Overall, ", "I'd say ", "In my experience, ", "This year, "],
    },
    "zh": {
        -1: ["", "", "", "说实话，", "坦白讲，", "个人感觉", "总体来说，", "过去一个季度，"],
        0: ["", "", "", "总体来说，", "一般来说，", "目前来看，"],
        1: ["", "", "", "总体来说，", "个人感觉", "今年以来，", "客观地说，"],
    },
}
# Final sentence of a comment: generic per polarity, plus topic-specific suggestions for complaints.
COMMENT_CLOSERS: dict[str, dict[int, list[str]]] = {
    "en": {
        -1: ["I hope this is addressed soon.", "This has been the case for several months.",
             "Several colleagues feel the same way.", "It is affecting motivation on the team.",
             "I would appreciate more transparency on this."],
        0: ["No other comments.", "Nothing further to add."],
        1: ["Hope this continues.", "Thank you to the team.", "Keep it up.", "Much appreciated.",
            "It makes a real difference."],
    },
    "zh": {
        -1: ["希望公司能重视这个问题。", "这种情况已经持续好几个月了。", "身边不少同事也有同感。",
             "已经影响到团队的积极性了。", "希望在这方面更透明一些。"],
        0: ["暂无其他意见。", "没有更多补充。"],
        1: ["希望继续保持。", "感谢团队的付出。", "点赞。", "非常感谢。", "这一点做得很好。"],
    },
}
COMMENT_SUGGESTIONS: dict[str, dict[str, list[str]]] = {
    "en": {
        "workload": ["More realistic planning would help.", "Additional headcount is needed."],
        "pay": ["A yearly market benchmark would help.", "Please explain how bonuses are calculated."],
        "manager": ["Regular 1:1s would make a big difference.", "Training for new managers would help."],
        "career_growth": ["A clearer promotion framework would help.", "Please post more roles internally first."],
        "recognition": ["A simple peer-recognition program would help.", "Please share credit more widely."],
        "colleagues": ["Clearer ownership between teams would help.", "A shared handover checklist would help."],
        "work_life_balance": ["Please rotate meeting times across time zones.",
                              "Clear guidance on after-hours messages would help."],
        "process": ["Fewer approval steps for small purchases would help.", "Please consolidate the tools."],
        "": [],
    },
    "zh": {
        "workload": ["建议排期时多听听一线的意见。", "希望能适当增加人手。"],
        "pay": ["建议每年做一次市场薪酬对标。", "希望说明奖金的计算方式。"],
        "manager": ["希望能定期做 1on1。", "建议给新任经理提供管理培训。"],
        "career_growth": ["希望晋升标准能更清晰。", "希望岗位优先内部开放。"],
        "recognition": ["建议建立同事互评的认可机制。", "希望功劳能分享给更多人。"],
        "colleagues": ["希望明确各团队的职责边界。", "建议统一交接清单。"],
        "work_life_balance": ["希望跨时区会议能轮流安排时间。", "希望对下班后的消息有明确约定。"],
        "process": ["建议简化小额采购的审批。", "希望把几个系统整合起来。"],
        "": [],
    },
}

# ---------------------------------------------------------------- messages: lang -> topic -> polarity
MESSAGE_CORES = _table({
    "en": {
        "workload": {
            -1: """
                the {n} deadline is {i}tight
                another late night for the {n}, I'm {i}exhausted
                we're {i}understaffed for the {n}
                I've been on the {n} since 8am and it's still not done
                three projects at once plus the {n}, this is {i}unsustainable
                can't take on anything else until the {n} is done
                weekend work again because of the {n}
                too many things landing on my plate this week
                no way we finish the {n} by Friday
                I'm {i}behind on everything because of the {n}
                the scope of the {n} keeps growing and the deadline doesn't move
                haven't had a proper lunch break all week
                who decided the {n} deadline? nobody asked us
            """,
            0: """
                what's the current ETA for the {n}?
                I'll pick up the remaining tickets for the {n}
                can someone take the {n} tasks while I'm out Thursday?
                the {n} deadline is still end of month
                updated the tracker for the {n}
                who owns the next step on the {n}?
                moving the {n} review to next week
                I have capacity for one more ticket this sprint
                splitting the {n} work between me and Ravi
                let's sync on the {n} timeline tomorrow
                is the {n} still planned for this sprint?
            """,
            1: """
                the {n} is {i}manageable this time
                finally ahead of schedule on the {n}
                workload is {i}reasonable this sprint
                we wrapped the {n} early
                not too busy this week, good time to clean up docs
                the extra headcount made the {n} {i}manageable
                no overtime needed for the {n}, {i}nice
                the new planning keeps the load {i}balanced
                glad the {n} scope got trimmed, feels {i}doable now
                home by 6 every day this week
                the {n} went {i}smooth, no crunch at all
            """,
        },
        "pay": {
            -1: """
                the {n} this year is {i}disappointing
                my {n} barely covers inflation
                just saw the {n} numbers, {i}underwhelming
                heard the new hires are paid more than us for the same role
                still waiting on the {n} that was promised in March
                pay here is {i}below market for our level
                no {n} again this cycle
                the {n} formula makes no sense to me
                can't believe the {n} got cut again
                rent went up 15% and the {n} didn't
                doing twice the work for the same {n}, {i}unfair
            """,
            0: """
                when does the {n} show up in payroll?
                HR says the {n} letters go out next week
                does anyone know the cutoff date for the {n}?
                payslips for this month are on the portal now
                is the {n} paid in the March or April cycle?
                the {n} policy doc was updated, link in the channel
                reminder to submit expense claims before the 25th
                who do I ask about the tax on the {n}?
                I'll check with payroll about the {n} timing
            """,
            1: """
                the {n} came through, {i}happy with it
                the {n} was {i}generous this year
                HR fixed my pay band, finally fair
                the {n} was better than I expected
                pay is {i}competitive now after the review
                the {n} landed early this month
                glad they matched the market rate this time
                the new allowance is {i}helpful
                the {n} makes the crunch feel worth it
            """,
        },
        "manager": {
            -1: """
                {n} cancelled our 1:1 again
                {n} changed the priorities {i}last minute
                {n} keeps micromanaging every ticket
                {n} took credit for our work in the review
                {n} never replies to my messages
                feedback from {n} was {i}vague again
                {n} promised support and then disappeared
                {n} dumped three new tasks on me at 6pm
                {i}hard to get a decision out of {n}
                {n} doesn't listen when we raise concerns
            """,
            0: """
                {n} is out until Wednesday
                moving my 1:1 with {n} to Friday
                {n} wants the status update by noon
                {n} asked everyone to fill in the planning doc
                waiting for {n} to approve the leave request
                {n} will join the call at 3
                can you loop in {n} on that thread?
                {n} is travelling this week, replies may be slow
                did {n} sign off on the plan yet?
            """,
            1: """
                {n} backed me up in the meeting today
                {n} gave {i}useful feedback on my draft
                {n} is {i}supportive about the flexible hours
                {n} cleared the blockers for us in like an hour
                1:1 with {n} was {i}helpful today
                {n} shielded the team from the scope creep
                {n} actually listened to our concerns
                {n} approved my training request right away
                {n} is {i}good at explaining the why
            """,
        },
        "career_growth": {
            -1: """
                my {n} request got pushed to next cycle again
                been at the same level for three years now
                no clear path to the next level here
                they filled the senior role externally again
                I'm not learning anything new on this project
                training budget got cut, {i}frustrating
                doing senior-level work without the title
                the {n} criteria keep changing
                feels like my career is {i}stuck
                nobody talks about growth in our 1:1s
            """,
            0: """
                when is the {n} nomination window?
                the {n} forms are due next Friday
                anyone know who reviews {n} applications?
                signed up for the {n} info session
                HR posted the updated career ladder
                the calibration meeting is on the 12th
                what's the process to apply for the {n}?
                I'll send my self-review tonight
            """,
            1: """
                got the {n}!! {i}excited
                learning {i}fast on this new project
                my manager put me forward for the {n}
                the {n} is {i}worth it so far
                finally have a clear path to senior
                the mentoring sessions are {i}useful
                got to lead the design review this week, great experience
                they approved the {n}, can't wait to start
                growing a lot in this role
            """,
        },
        "recognition": {
            -1: """
                worked all weekend on the {n} and nobody said a word
                nobody mentioned our {n} in the all-hands
                the {n} shout-out went to the other team
                extra effort here just goes unnoticed
                feels {i}thankless sometimes
                my name wasn't even on the {n} slides
                the award always goes to the same people
                I don't feel valued on this team
                did the heavy lifting on the {n}, zero credit
            """,
            0: """
                nominations for the quarterly awards close Friday
                who should be credited on the {n} writeup?
                adding everyone's names to the {n} summary
                the kudos board is on the intranet now
                HR asked for peer recognition nominations
                please list contributors for the {n} retro
                the {n} recap goes out tomorrow
            """,
            1: """
                the VP thanked us for the {n} in the all-hands
                {i}nice to get a shout-out for the {n}
                got a spot award for the {n}!
                my manager mentioned my work on the {n} to the whole team
                feeling {i}appreciated after the {n}
                the client sent a thank-you note about the {n}
                peer kudos on the {n}, made my day
                great to see the team's effort on the {n} recognised
            """,
        },
        "colleagues": {
            -1: """
                {n} ignored our request again
                the standup turned into a blame game
                someone pushed to main without review again
                {n} keeps dropping the handoffs
                the vibe in the team is {i}tense lately
                people keep talking over each other in meetings
                {n} won't share their docs
                tired of covering for people who don't pull their weight
                {n} missed the handover again, {i}annoying
            """,
            0: """
                who from {n} is joining the sync?
                adding {n} to the channel
                {n} moved their standup to 10:15
                does {n} have a point of contact for this?
                team lunch is Thursday, please RSVP
                new joiner starting Monday, please say hi
                {n} will share the handover doc later
            """,
            1: """
                {n} helped me debug for an hour, legends
                the team is {i}great
                {n} turned the review around in a day, amazing
                love working with this crew
                {n} covered for me while I was sick, {i}grateful
                great team lunch today
                the collaboration with {n} has been {i}smooth
                everyone jumped in to fix the incident, {i}proud of this team
            """,
        },
        "work_life_balance": {
            -1: """
                another 11pm call with the US team
                {n} again this week, I'm {i}tired
                missed my kid's recital because of {n}
                haven't taken a day off in months
                getting messages at midnight is the norm here now
                I'm {i}burnt out
                can't remember the last weekend without {n}
                my leave got cancelled for {n}
                my sleep is a mess because of {n}
            """,
            0: """
                I'll be offline after 6 today
                taking Friday off, ping Mei if it's urgent
                out of office next week, ping Tom for anything urgent
                what's the policy on comp time for {n}?
                updated the {n} rota for next month
                working from home tomorrow
                leave requests for the holidays are due by the 15th
            """,
            1: """
                logged off at 6 today, {i}nice
                the no-meetings Friday is {i}great
                finally took a proper holiday, feel {i}refreshed
                flexible hours make school pickup {i}easy
                glad we moved the US calls earlier
                WFH days are {i}helpful
                nobody expects replies after hours here, love it
                comp time for {n} got approved
            """,
        },
        "process": {
            -1: """
                the {n} needs five signatures for a $20 item
                the {n} is {i}slow
                the {n} changed again and nobody told us
                spent the whole morning fighting the {n}
                three different tools for one request, {i}ridiculous
                the {n} is {i}confusing
                still waiting on approval from last week
                too many meetings about meetings
                the {n} form crashed again
            """,
            0: """
                where's the latest doc for the {n}?
                the {n} moves to the new portal on Monday
                please use the new template for the {n}
                submitted it through the {n}, ticket number in thread
                who approves the {n} for our team?
                reminder: the {n} cutoff is Thursday
                there's a training session on the {n} at 2pm
            """,
            1: """
                the new {n} is {i}smooth
                approval came back in an hour
                the {n} is {i}simple now after the cleanup
                love the new {n}, way fewer clicks
                the automated {n} saves me so much time
                the {n} finally makes sense
                retro actions actually got done this time
            """,
        },
        "": {
            -1: """
                the VPN is down again
                the wifi in the meeting room is {i}bad
                my laptop crashed and I lost the draft
                the printer is jammed again
                stuck in traffic, running late
                the coffee machine is broken again
                the AC in the office is {i}cold today
                the build is broken again
                missed the shuttle again
            """,
            0: """
                got it, will take a look this afternoon
                meeting moved to 3pm
                can you send me the link?
                on my way, 5 min
                sure, let me check
                ok noted, thanks
                I'll share my screen
                joining the call now
                sent you the file
                let's discuss tomorrow
                which room are we in?
                can we push this to after lunch?
                lunch at 12:30?
                will reply after my meeting
                received, will forward to Amy
            """,
            1: """
                thanks, that works
                perfect, thanks a lot
                awesome, appreciate it
                the new coffee machine is {i}good
                nice work everyone
                great, see you there
                that fixed it, thank you
                happy Friday everyone
                cake in the pantry, help yourselves
            """,
        },
    },
    "zh": {
        "workload": {
            -1: """
                {n}的 deadline {i}赶
                为了{n}又加班到十点
                {n}人手{i}紧张
                从早上八点忙到现在，{n}还没弄完
                手上三个项目再加{n}，真的吃不消
                {n}的需求一直在加，deadline 又不变
                这周末又要为{n}加班
                {n}周五之前根本做不完
                这阵子{i}累
                活{i}多，根本忙不过来
                一周没好好吃过午饭
                {n}的排期是谁定的，都没问过我们
            """,
            0: """
                {n}现在进度怎么样？
                {n}剩下的单子我来跟
                我周四请假，{n}谁帮忙盯一下？
                {n}的 deadline 还是月底
                {n}的排期表我更新了
                {n}下一步谁负责？
                {n}的评审改到下周
                这个 sprint 我还能再接一个需求
                {n}的活我和小李分一下
                明天对一下{n}的时间线
                {n}还在这个 sprint 里吗？
            """,
            1: """
                {n}的工作量{i}合理
                {n}终于提前完成了
                这个 sprint 节奏{i}舒服
                {n}提前收尾了
                这周不太忙，正好整理一下文档
                加了人之后{n}轻松多了
                {n}不用加班，{i}好
                新的排期方式让大家的活{i}均衡
                {n}砍了一部分需求，感觉{i}可控
                这周每天六点就到家了
            """,
        },
        "pay": {
            -1: """
                今年的{n}{i}少
                {n}还不够涨房租的
                听说新来的同岗位比我们工资高
                三月份说好的{n}到现在还没影
                我们这边工资{i}低，比市场差一截
                今年又没有{n}
                {n}的算法我完全看不懂
                {n}又被砍了，{i}无语
                干得最多拿得最少
                package 跟 offer 上说的不一样
            """,
            0: """
                {n}哪个月发？
                HR 说{n}的通知下周发
                {n}的截止日期有人知道吗？
                这个月的工资条可以在系统里看了
                {n}是跟三月工资一起发吗？
                {n}的制度文件更新了，链接发群里了
                报销记得25号前提交
                {n}的个税问谁？
                我去问下 payroll {n}什么时候到账
            """,
            1: """
                {n}到账了，{i}满意
                今年{n}{i}给力
                HR 帮我把职级调了，终于合理了
                {n}比预期的好
                调完之后工资{i}有竞争力
                {n}这个月提前发了
                这次终于按市场价调了
                新加的补贴{i}实用
                有了这笔{n}，加的班也值了
            """,
        },
        "manager": {
            -1: """
                {n}又把我们的 1on1 取消了
                {n}临时改需求，{i}崩溃
                {n}每个单子都要管，{i}累
                {n}在汇报里把我们的活说成自己的
                {n}消息从来不回
                {n}给的反馈{i}模糊
                {n}说会支持，结果人影都没有
                {n}晚上六点又甩来三个任务
                找{n}拍板太难了
                我们提的问题{n}根本不听
            """,
            0: """
                {n}周三前都不在
                我和{n}的 1on1 改到周五
                {n}要中午前交进度
                {n}让大家填一下规划表
                在等{n}批假
                {n}三点会进会
                这个邮件能抄送一下{n}吗？
                {n}这周出差，回复可能慢
            """,
            1: """
                开会的时候{n}帮我说话了
                {n}给我的稿子提的意见{i}有用
                {n}对弹性上班{i}支持
                {n}一个小时就帮我们把卡点解决了
                今天和{n}的 1on1 {i}有收获
                {n}帮团队挡掉了乱加的需求
                {n}真的听进去了我们的意见
                {n}马上批了我的培训申请
                {n}讲事情的来龙去脉讲得{i}清楚
            """,
        },
        "career_growth": {
            -1: """
                我的{n}申请又被推到下个周期了
                同一个级别待了三年了
                这里根本看不到上升通道
                高级岗又是外招的
                这个项目学不到新东西
                培训预算被砍了，{i}失望
                干着高级的活，拿着初级的 title
                {n}的标准一直在变
                感觉职业发展{i}迷茫
                1on1 从来不聊成长
            """,
            0: """
                {n}的提名什么时候开始？
                {n}的表格下周五交
                {n}的申请谁来审？
                报名了{n}的说明会
                HR 发了新的职级体系
                校准会定在12号
                {n}要走什么流程？
                今晚把自评交了
            """,
            1: """
                {n}下来了！！{i}开心
                新项目上学到的东西{i}多
                老板推荐我参加{n}
                这次{n}{i}值得
                终于看清楚升高级的路径了
                导师带教{i}有用
                这周让我主持设计评审，收获很大
                {n}批了，{i}期待
                在这个岗位上成长{i}快
            """,
        },
        "recognition": {
            -1: """
                为了{n}整个周末都在干，没人说一句
                全员大会上提都没提我们的{n}
                {n}的表扬全给了别的组
                多做的活根本没人看见
                有时候觉得{i}心寒
                {n}的 PPT 上连我名字都没有
                评优总是那几个人
                在这个组里感觉不被重视
                {n}的活大部分是我干的，功劳一点没有
            """,
            0: """
                季度评优提名周五截止
                {n}的总结里署谁的名字？
                我把大家的名字都加到{n}总结里了
                点赞墙放到内网上了
                HR 在收同事互评提名
                {n}复盘的时候列一下参与的人
                {n}的回顾明天发出来
            """,
            1: """
                VP 在全员会上感谢了我们的{n}
                {n}被点名表扬，{i}开心
                {n}拿了个即时奖
                老板在全组面前提了我在{n}上的工作
                {n}之后被老板夸了，{i}暖心
                客户专门为{n}发了感谢邮件
                同事给{n}点了赞，开心一整天
                团队在{n}上的付出被看见了，真好
            """,
        },
        "colleagues": {
            -1: """
                {n}又没理我们的需求
                站会变成甩锅大会了
                又有人没 review 就直接合代码
                {n}交接老是掉链子
                最近组里气氛{i}紧张
                开会大家老抢话
                {n}的文档就是不共享
                总有人背后说闲话
                替不干活的人收拾烂摊子，累了
            """,
            0: """
                {n}谁来参加同步会？
                把{n}拉进群了
                {n}的站会改到十点一刻
                {n}这块有对接人吗？
                周四团建聚餐，记得报名
                周一有新同事入职，大家打个招呼
                {n}晚点会发交接文档
            """,
            1: """
                {n}帮我一起 debug 了一个小时，太靠谱了
                组里的同事都{i}好
                {n}一天就把 review 做完了，厉害
                跟这帮人一起干活{i}舒服
                我病假的时候{n}帮我顶上了，{i}感动
                今天团队午饭吃得{i}开心
                跟{n}合作一直{i}顺
                出故障大家都冲上来了，为这个团队骄傲
            """,
        },
        "work_life_balance": {
            -1: """
                又是晚上十一点跟美国开会
                这周又{n}，{i}累
                因为{n}错过了孩子的演出
                好几个月没休过假了
                半夜收消息在这里已经是常态了
                整个人{i}焦虑
                想不起上一个不用{n}的周末了
                年假因为{n}被取消了
                因为{n}，睡眠一团糟
            """,
            0: """
                我今天六点以后不在线
                周五请假，有急事找小美
                下周休假，急事找 Tom
                {n}有调休吗？
                下个月的值班表更新了
                明天在家办公
                节假日的请假15号前提交
                {n}的补贴怎么算？
            """,
            1: """
                今天六点就下班了，{i}爽
                周五无会日{i}好
                终于休了个长假，整个人{i}放松
                弹性上班接孩子{i}方便
                美国的会挪早了，舒服多了
                在家办公的日子{i}高效
                下班后没人要求秒回，{i}喜欢
                {n}的调休批了
            """,
        },
        "process": {
            -1: """
                买个二十块的东西{n}要五个人签字
                {n}{i}慢，等半天
                {n}又改了，没人通知
                一上午都在跟{n}较劲
                一个申请要用三个系统，{i}离谱
                {n}{i}复杂
                上周的审批到现在还没批
                开会讨论怎么开会
                {n}的表单又崩了
            """,
            0: """
                {n}最新的文档在哪？
                {n}下周一迁到新平台
                {n}请用新模板
                已经走{n}提交了，单号发群里
                我们组的{n}谁审批？
                提醒：{n}周四截止
                下午两点有{n}的培训
            """,
            1: """
                新的{n}{i}顺
                一个小时就审批下来了，不错
                清理之后{n}{i}简单
                新版{n}点几下就搞定了
                {n}自动化之后省了好多时间
                {n}终于理顺了
                复盘的改进项这次真的落地了
            """,
        },
        "": {
            -1: """
                VPN 又断了
                会议室的 wifi {i}差
                电脑死机了，稿子没保存
                打印机又卡纸了
                堵在路上了，要迟到
                咖啡机又坏了
                办公室空调{i}冷
                构建又挂了
                又没赶上班车
            """,
            0: """
                收到，我下午看一下
                会议改到三点了
                链接发我一下？
                在路上了，五分钟到
                好的，我确认一下
                好的收到，谢谢
                我来共享屏幕
                好的，马上进会
                文件发你了
                那我们明天再聊
                我们在哪个会议室？
                能不能午饭后再说？
                十二点半吃饭？
                开完会回你
                已收到，我转给小刘
            """,
            1: """
                谢谢，可以了
                完美，多谢
                太棒了，感谢
                新咖啡机{i}好喝
                大家辛苦了，干得漂亮
                好的，到时见
                搞定了，谢谢
                大家周五快乐
                茶水间有蛋糕，大家自取
            """,
        },
    },
})

# ---------------------------------------------------------------- survey comments: complete sentences
COMMENT_CORES = _table({
    "en": {
        "workload": {
            -1: """
                the workload has been {i}heavy for months, and overtime has become the norm.
                deadlines for projects like the {n} are set without consulting the people doing the work.
                our team is {i}understaffed relative to the number of projects we carry.
                I regularly work evenings to keep up, which is not sustainable.
                priorities change so often that we redo a lot of work.
                the scope of the {n} kept growing while the timeline stayed fixed.
                there is little slack for unexpected issues, so every incident turns into overtime.
            """,
            0: """
                the workload varies by quarter; it peaked during the {n}.
                most of my time goes to project work, with some support tasks on top.
                my workload is roughly the same as last year.
                the team split the {n} work across two sprints.
                I typically handle three to four projects at a time.
                planning for the {n} is done at the start of each quarter.
            """,
            1: """
                the workload is {i}manageable and evenly distributed across the team.
                planning has improved, and the {n} was delivered without overtime.
                I have enough time to do quality work rather than rushing.
                my manager protects us from last-minute requests, which keeps the load {i}reasonable.
                the additional headcount this year made a real difference.
                deadlines are realistic and negotiated with the team.
            """,
        },
        "pay": {
            -1: """
                compensation is {i}low compared with similar roles in the market.
                the {n} criteria are not transparent, and nobody could explain my number.
                new hires are offered more than existing staff in the same role.
                the {n} did not keep up with the cost of living.
                the {n} was delayed twice without explanation.
                pay bands are {i}unclear, so it is hard to know where I stand.
                despite strong ratings, the {n} was minimal.
            """,
            0: """
                the {n} is paid once a year after the review cycle.
                I received the standard {n} this cycle.
                I would like more information on how pay bands are set.
                compensation details are discussed during the annual review.
                I have not compared my pay with the market recently.
                the {n} timeline was communicated in the town hall.
            """,
            1: """
                the {n} this year was fair and clearly explained.
                pay is {i}competitive, and the benefits are good.
                I appreciate that the company adjusted salaries for inflation.
                the {n} reflected my performance well.
                the pay review process has become {i}transparent.
                the new allowances make a noticeable difference.
            """,
        },
        "manager": {
            -1: """
                {n} rarely gives feedback until the annual review.
                {n} changes priorities at short notice without explaining why.
                1:1s with {n} are often cancelled.
                {n} tends to micromanage, which slows the team down.
                concerns raised with {n} are not followed up.
                credit for the team's work is not always shared fairly by {n}.
                communication from {n} is {i}inconsistent.
            """,
            0: """
                I meet {n} every two weeks for a 1:1.
                {n} joined the team in the spring.
                {n} sets quarterly goals with each team member.
                most of my communication with {n} is over chat.
                {n} reports to the regional director.
                {n} runs a weekly team meeting.
            """,
            1: """
                {n} is {i}supportive and gives clear, timely feedback.
                {n} trusts the team and gives us room to make decisions.
                {n} advocates for us with senior leadership.
                1:1s with {n} are {i}useful for unblocking issues.
                {n} is open to feedback and acts on it.
                {n} explains the reasoning behind decisions.
            """,
        },
        "career_growth": {
            -1: """
                the promotion criteria are {i}vague and seem to change each cycle.
                I do not see a clear path to the next level in my current role.
                senior positions are often filled externally rather than internally.
                the training budget was cut this year.
                I have been doing work above my level for over a year without a change in title.
                internal transfers are {i}difficult to arrange.
                there are few opportunities to learn new skills on my current project.
            """,
            0: """
                I applied for the {n} this cycle and am waiting for the outcome.
                the career ladder was updated earlier this year.
                I discuss development goals with my manager twice a year.
                I am considering the {n} next year.
                information about the {n} is available on the intranet.
                promotion decisions are made in the annual calibration.
            """,
            1: """
                I have grown a lot in this role and feel challenged.
                the {n} gave me exposure to new areas of the business.
                my manager actively supports my development plan.
                the mentoring program is {i}valuable.
                there is a clear path to the next level, and the criteria are well explained.
                I was encouraged to apply for the {n} and got strong support.
            """,
        },
        "recognition": {
            -1: """
                extra effort often goes unnoticed unless it is very visible.
                recognition tends to go to the same few people.
                our team's work on the {n} was not acknowledged.
                I rarely hear positive feedback, only criticism.
                the awards process feels {i}political.
                contributions from the overseas offices are often overlooked.
            """,
            0: """
                recognition is mainly given through the quarterly awards.
                peer nominations are collected by HR each quarter.
                the team marked the {n} with a short recap email.
                managers can nominate people for spot awards.
                the {n} was mentioned in the monthly newsletter.
            """,
            1: """
                leadership regularly acknowledges good work in team meetings.
                I felt {i}appreciated after the {n}.
                peer recognition is encouraged and happens often.
                my manager makes sure credit goes to the people who did the work.
                the spot award program is a nice touch.
                our work on the {n} was highlighted to the whole company.
            """,
        },
        "colleagues": {
            -1: """
                collaboration with {n} is {i}difficult, and handoffs are often missed.
                there is a lot of blame when things go wrong.
                some colleagues do not share information, which slows everyone down.
                meetings often become tense and unproductive.
                a few people consistently leave their work for others to finish.
                communication between {n} and our team has broken down.
            """,
            0: """
                I work mostly with {n} and a few people in my own team.
                the team has grown from eight to twelve people this year.
                we have a weekly sync with {n}.
                most collaboration happens over chat and shared documents.
                several colleagues moved to {n} this year.
            """,
            1: """
                my colleagues are {i}helpful and easy to work with.
                collaboration with {n} has been smooth this year.
                people share knowledge openly and help each other.
                the team atmosphere is {i}positive and respectful.
                I can always count on my colleagues during busy periods.
                working with {n} has taught me a lot.
            """,
        },
        "work_life_balance": {
            -1: """
                late calls with the overseas offices cut into family time almost every week.
                I often answer messages late at night and on weekends.
                because of {n}, it is hard to plan anything outside work.
                taking leave is discouraged in practice, even if it is allowed on paper.
                the expectation to be always available is {i}stressful.
                I have cancelled holidays twice this year because of {n}.
            """,
            0: """
                I work from home two days a week.
                there is a shared rota for {n} across the team.
                calls with the overseas offices are usually scheduled in the evening.
                leave is approved by the line manager.
                compensation for {n} follows the company policy.
            """,
            1: """
                flexible hours make it {i}easy to balance work and family.
                people respect boundaries after working hours.
                the no-meeting Friday has made a real difference.
                I can take leave when I need it without pressure.
                moving the overseas calls earlier has improved my evenings.
                time off in lieu for {n} is handled fairly.
            """,
        },
        "process": {
            -1: """
                the {n} requires too many approvals for simple requests.
                processes change frequently and are poorly communicated.
                we spend more time on reporting than on actual work.
                the {n} is {i}slow and often loses requests.
                there are too many meetings with unclear outcomes.
                tools do not integrate, so the same data is entered several times.
            """,
            0: """
                the {n} moved to a new platform this year.
                most requests go through the {n}.
                there is documentation for the {n} on the intranet.
                the team reviews its processes during quarterly retrospectives.
                the {n} takes about a week on average.
            """,
            1: """
                the new {n} is {i}efficient and easy to use.
                approvals are faster than they were a year ago.
                retrospective actions are actually followed through.
                the team is empowered to simplify processes that do not work.
                the {n} has been streamlined, saving a lot of time.
            """,
        },
        "": {
            -1: """
                morale seems {i}low across the department.
                things have been getting worse over the past year.
                I am not sure I would recommend working here to a friend.
                many of the issues raised in last year's survey have not been addressed.
                communication from leadership has been {i}limited.
            """,
            0: """
                no further comments.
                nothing specific to add this time.
                I joined recently, so it is too early to comment.
                thank you for running the survey.
                N/A.
            """,
            1: """
                this is a good place to work, and I would recommend it.
                I am proud of what the team has achieved this year.
                morale has improved noticeably since last year.
                I enjoy coming to work most days.
                leadership has been open and transparent.
            """,
        },
    },
    "zh": {
        "workload": {
            -1: """
                工作量{i}大，加班已经成了常态。
                像{n}这样的项目，排期没有征求一线同事的意见。
                团队人手{i}紧张，项目却越来越多。
                经常要晚上加班才能跟上进度，难以持续。
                优先级频繁调整，很多工作白做了。
                {n}的需求不断增加，但上线时间不变。
                几乎没有缓冲时间，一有突发问题就得加班。
            """,
            0: """
                工作量随季度变化，{n}期间最忙。
                大部分时间在做项目，另外有一些支持性工作。
                工作量和去年差不多。
                {n}的工作分成了两个迭代完成。
                通常同时负责三到四个项目。
                {n}的计划在每季度初制定。
            """,
            1: """
                工作量{i}合理，团队分工也比较均衡。
                计划做得更好了，{n}没有加班就按时交付了。
                有足够的时间把事情做好，而不是赶工。
                领导会挡掉临时需求，工作节奏{i}稳定。
                今年新增的人手带来了明显改善。
                截止时间比较现实，也会和团队商量。
            """,
        },
        "pay": {
            -1: """
                薪酬与市场同类岗位相比{i}低。
                {n}的标准不透明，没有人能解释我的结果。
                新入职同事的薪资比同岗位老员工还高。
                {n}跟不上生活成本的上涨。
                {n}两次推迟发放，也没有说明原因。
                薪资带宽{i}不清晰，不知道自己处在什么位置。
                绩效评级不错，但{n}几乎没有。
            """,
            0: """
                {n}每年考核结束后发放一次。
                这次拿到的是标准的{n}。
                希望多了解一些薪资带宽的制定方式。
                薪酬细节在年度评估时沟通。
                最近没有和市场薪资做过比较。
                {n}的时间安排在全员会上通知过。
            """,
            1: """
                今年的{n}公平，解释也很清楚。
                薪酬{i}有竞争力，福利也不错。
                感谢公司根据通胀调整了薪资。
                {n}很好地体现了我的绩效。
                调薪流程变得{i}透明。
                新增的补贴带来了实实在在的帮助。
            """,
        },
        "manager": {
            -1: """
                {n}平时很少给反馈，要到年度考核才说。
                {n}经常临时改变优先级，也不解释原因。
                和{n}的 1on1 经常被取消。
                {n}管得过细，影响了团队效率。
                向{n}反映的问题没有下文。
                {n}没有公平地分享团队的功劳。
                {n}的沟通前后{i}不一致。
            """,
            0: """
                我和{n}每两周做一次 1on1。
                {n}是今年春天加入团队的。
                {n}会和每位成员制定季度目标。
                和{n}的沟通主要通过企业微信。
                {n}向区域总监汇报。
                {n}每周主持一次团队例会。
            """,
            1: """
                {n}{i}支持我们，反馈及时清楚。
                {n}信任团队，给我们足够的决策空间。
                {n}会在高层面前为我们争取资源。
                和{n}的 1on1 对解决问题{i}有帮助。
                {n}乐于接受反馈，并且会落实。
                {n}会解释决策背后的原因。
            """,
        },
        "career_growth": {
            -1: """
                晋升标准{i}模糊，而且每个周期都在变。
                在现在的岗位上看不到清晰的上升通道。
                高级岗位多数外部招聘，而不是内部提拔。
                今年的培训预算被削减了。
                一年多来一直承担高一级的工作，但职级没有变化。
                内部转岗{i}困难。
                现在的项目很少有学习新技能的机会。
            """,
            0: """
                这个周期申请了{n}，正在等结果。
                今年年初更新了职级体系。
                每年和经理讨论两次个人发展目标。
                明年考虑参加{n}。
                {n}的相关信息可以在内网上查到。
                晋升在年度校准会上决定。
            """,
            1: """
                在这个岗位上成长很多，也很有挑战。
                {n}让我接触到了业务的新领域。
                经理积极支持我的发展计划。
                导师项目{i}有价值。
                晋升路径清晰，标准也解释得很清楚。
                在申请{n}时得到了很大的支持。
            """,
        },
        "recognition": {
            -1: """
                额外的付出除非特别显眼，否则没人注意。
                表彰总是给那几个人。
                团队在{n}上的工作没有得到认可。
                很少听到正面反馈，只有批评。
                评奖过程{i}看关系。
                海外办公室同事的贡献经常被忽视。
            """,
            0: """
                认可主要通过季度评优进行。
                HR 每季度收集一次同事提名。
                团队用一封总结邮件回顾了{n}。
                经理可以提名同事获得即时奖励。
                {n}在月度简报中被提到了。
            """,
            1: """
                领导经常在团队会议上肯定大家的工作。
                {n}之后得到的肯定让我{i}受鼓舞。
                公司鼓励同事之间互相认可，而且很常见。
                经理会确保功劳归于真正做事的人。
                即时奖励制度很贴心。
                我们在{n}上的工作在全公司得到了表扬。
            """,
        },
        "colleagues": {
            -1: """
                和{n}的协作{i}困难，交接经常出问题。
                出了问题互相推责任的情况很多。
                有些同事不愿分享信息，拖慢了大家的进度。
                会议经常气氛紧张，效率不高。
                有几位同事总是把自己的工作留给别人收尾。
                {n}和我们之间的沟通基本断了。
            """,
            0: """
                我主要和{n}以及本组的几位同事合作。
                团队今年从八个人增加到十二个人。
                我们每周和{n}开一次同步会。
                大部分协作通过群聊和共享文档完成。
                今年有几位同事调到了{n}。
            """,
            1: """
                同事们{i}乐于助人，合作起来很愉快。
                今年和{n}的合作很顺畅。
                大家乐于分享知识，互相帮助。
                团队氛围{i}积极，彼此尊重。
                忙的时候总能依靠同事。
                和{n}的合作让我学到了很多。
            """,
        },
        "work_life_balance": {
            -1: """
                和海外办公室的晚间会议几乎每周都会占用家庭时间。
                经常在深夜和周末回复消息。
                因为{n}，很难安排工作以外的事情。
                休假名义上允许，实际上并不被鼓励。
                要求随时在线让人{i}有压力。
                今年因为{n}已经取消了两次假期。
            """,
            0: """
                每周有两天在家办公。
                团队成员轮流{n}。
                和海外办公室的会议通常安排在晚上。
                休假由直属经理审批。
                {n}的补偿按照公司制度执行。
            """,
            1: """
                弹性工作时间让工作和家庭{i}容易兼顾。
                大家尊重下班后的私人时间。
                周五无会日带来了实际的改善。
                需要休假时可以没有压力地请假。
                海外会议提前之后，晚上轻松多了。
                {n}的调休处理得很公平。
            """,
        },
        "process": {
            -1: """
                {n}对简单的申请也需要太多审批。
                流程经常变化，而且沟通不到位。
                花在汇报上的时间比实际工作还多。
                {n}{i}慢，还经常丢单。
                会议太多，结论不明确。
                系统之间不打通，同样的数据要录好几遍。
            """,
            0: """
                今年{n}迁到了新平台。
                大部分申请都通过{n}提交。
                内网上有{n}的说明文档。
                团队会在季度复盘时回顾流程。
                {n}平均需要一周左右。
            """,
            1: """
                新的{n}{i}高效，也容易上手。
                审批比一年前快了很多。
                复盘的改进项真正得到了落实。
                团队可以自主简化不合理的流程。
                {n}精简之后节省了大量时间。
            """,
        },
        "": {
            -1: """
                整个部门的士气{i}低落。
                过去一年情况越来越差。
                不确定会不会推荐朋友来这里工作。
                去年调研提出的很多问题都还没有解决。
                领导层的沟通{i}少。
            """,
            0: """
                没有特别要补充的。
                刚入职不久，暂时不好评价。
                感谢组织这次调研。
                无。
                暂时想不到其他的。
            """,
            1: """
                这是一个不错的工作环境，我愿意推荐给朋友。
                为团队今年取得的成绩感到自豪。
                和去年相比，士气明显提升。
                大多数时候都很乐意来上班。
                领导层开放透明。
            """,
        },
    },
})
