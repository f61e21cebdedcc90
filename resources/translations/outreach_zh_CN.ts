<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>Conflict</name>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="45" />
            <source>deleted</source>
            <translation>已删除</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="45" />
            <source>kept</source>
            <translation>保留</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="52" />
            <source>Changed here and in the workbook to different values.</source>
            <translation>本机和总表都修改了此项，且改成了不同的值。</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="53" />
            <source>Deleted on one side while the other side edited it.</source>
            <translation>一方删除了该记录，另一方却修改了它。</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="56" />
            <source>Removed from the workbook while it was edited here.</source>
            <translation>该记录已从总表中移除，但本机对其作了修改。</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="67" />
            <source>Sync conflicts</source>
            <translation>同步冲突</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="71" />
            <source>Fields</source>
            <translation>字段</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="71" />
            <source>Ledger</source>
            <translation>台账</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="71" />
            <location filename="../../ui/conflict_dialog.py" line="181" />
            <source>Record</source>
            <translation>记录</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="92" />
            <source>Keep all &amp;mine</source>
            <translation>全部保留我的(&amp;M)</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="93" />
            <source>Keep all the &amp;workbook's</source>
            <translation>全部采用总表的(&amp;W)</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="94" />
            <source>&amp;Resolve</source>
            <translation>解决(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="134" />
            <source>record kept or deleted</source>
            <translation>记录保留或删除</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="165" />
            <source>No open conflicts.</source>
            <translation>没有待处理的冲突。</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="170" />
            <source>Field</source>
            <translation>字段</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="171" />
            <source>Last agreed</source>
            <translation>上次一致值</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="172" />
            <location filename="../../ui/conflict_dialog.py" line="197" />
            <source>Mine</source>
            <translation>本机</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="173" />
            <source>Workbook</source>
            <translation>总表</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="174" />
            <source>Keep</source>
            <translation>采用</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="185" />
            <source>as of sync {when}</source>
            <translation>截至 {when} 同步</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="189" />
            <source>none yet</source>
            <translation>尚无</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="197" />
            <source>Workbook's</source>
            <translation>总表的</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="200" />
            <source>or type a value</source>
            <translation>或输入一个值</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="205" />
            <location filename="../../ui/conflict_dialog.py" line="209" />
            <source>Delete it</source>
            <translation>删除该记录</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="205" />
            <location filename="../../ui/conflict_dialog.py" line="209" />
            <source>Keep the record</source>
            <translation>保留该记录</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="214" />
            <source>Typed value</source>
            <translation>输入的值</translation>
        </message>
        <message>
            <location filename="../../ui/conflict_dialog.py" line="249" />
            <source>“{value}” is not valid for {field}: {reason}.</source>
            <translation>“{value}”不是有效的{field}：{reason}。</translation>
        </message>
    </context>
    <context>
        <name>Dashboard</name>
        <message>
            <location filename="../../ui/dashboard.py" line="53" />
            <source>Quarter</source>
            <translation>季度</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="54" />
            <source>Month</source>
            <translation>月度</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="55" />
            <source>Week</source>
            <translation>周</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="56" />
            <source>Year</source>
            <translation>年度</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="64" />
            <source>year on year: —</source>
            <translation>同比：—</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="67" />
            <source>year on year: {arrow} {points} percentage points</source>
            <translation>同比：{arrow} {points} 个百分点</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="70" />
            <source>year on year: {arrow} {percent}</source>
            <translation>同比：{arrow} {percent}</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="80" />
            <source>{amount} hundred million yuan</source>
            <translation>{amount} 亿元</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="116" />
            <source>Dashboard</source>
            <translation>工作看板</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="130" />
            <source>Show</source>
            <translation>查看</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="134" />
            <source>Period:</source>
            <translation>统计期间：</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="182" />
            <source>(Still showing {period}.)</source>
            <translation>（仍显示{period}的数据。）</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="201" />
            <source>Computing…</source>
            <translation>正在统计…</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="218" />
            <source>The figures could not be computed: {error}</source>
            <translation>无法完成统计：{error}</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="226" />
            <source>{period}, compared with {earlier}</source>
            <translation>{period}，对比{earlier}</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="239" />
            <source>Planned investment by industry (100 million yuan)</source>
            <translation>分产业计划投资（亿元）</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="261" />
            <source>Monthly planned investment (100 million yuan)</source>
            <translation>逐月计划投资（亿元）</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="263" />
            <source>Planned investment</source>
            <translation>计划投资</translation>
        </message>
        <message>
            <location filename="../../ui/dashboard.py" line="278" />
            <source>{years}, by month</source>
            <translation>{years}年（按月）</translation>
        </message>
    </context>
    <context>
        <name>Database</name>
        <message>
            <location filename="../../models/database.py" line="39" />
            <source>{path} is not an Outreach Ledger database, or it is damaged ({detail}).</source>
            <translation>{path} 不是招商外勤台账数据库，或已损坏（{detail}）。</translation>
        </message>
        <message>
            <location filename="../../models/database.py" line="42" />
            <source>{path} cannot be read or written: {detail}</source>
            <translation>{path} 无法读写：{detail}</translation>
        </message>
        <message>
            <location filename="../../models/database.py" line="44" />
            <source>{path} is already open in another copy of Outreach Ledger ({detail}). Close that copy first.</source>
            <translation>{path} 已在另一个招商外勤台账窗口中打开（{detail}），请先关闭该窗口。</translation>
        </message>
        <message>
            <location filename="../../models/database.py" line="50" />
            <source>{path} is locked by another program ({detail}): a database tool, a backup, or another copy of Outreach Ledger. Close it and start again.</source>
            <translation>{path} 被另一个程序锁定（{detail}）：可能是数据库工具、备份程序，或另一个招商外勤台账。请关闭它后重新启动。</translation>
        </message>
        <message>
            <location filename="../../models/database.py" line="56" />
            <source>{path} was written by a newer version of Outreach Ledger (schema {detail}). Update the app to open it.</source>
            <translation>{path} 由更新版本的招商外勤台账写入（数据结构版本 {detail}），请升级软件后再打开。</translation>
        </message>
        <message>
            <location filename="../../models/migrate.py" line="21" />
            <source>Upgrading {path} failed and nothing was changed ({detail}). A copy was kept beside it.</source>
            <translation>{path} 升级失败，数据未作任何更改（{detail}）。已在同一位置保留一份副本。</translation>
        </message>
        <message>
            <location filename="../../ui/app.py" line="25" />
            <source>Cannot open the database</source>
            <translation>无法打开数据库</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="498" />
            <source>The database could not be read</source>
            <translation>无法读取数据库</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="520" />
            <source>The database is damaged</source>
            <translation>数据库已损坏</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="523" />
            <source>Copy the file somewhere safe before you change anything, and restore the latest backup or sync from the master workbook.</source>
            <translation>请先将该文件复制到安全位置，不要做任何修改，然后恢复最近的备份，或从总表重新同步。</translation>
        </message>
    </context>
    <context>
        <name>Detail</name>
        <message>
            <location filename="../../ui/detail_pane.py" line="56" />
            <source>Select a record to see its details.</source>
            <translation>选择一条记录以查看详情。</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="86" />
            <source>Deleted</source>
            <translation>已删除</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="96" />
            <source>(deleted)</source>
            <translation>（已删除）</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="120" />
            <source>History</source>
            <translation>修改记录</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="142" />
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="144" />
            <source>created the record</source>
            <translation>新建了该记录</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="147" />
            <source>deleted the record</source>
            <translation>删除了该记录</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="149" />
            <source>restored the record</source>
            <translation>恢复了该记录</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="155" />
            <source>changed {field}: {old} → {new}</source>
            <translation>修改了{field}：{old} → {new}</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="163" />
            <source>No recorded changes.</source>
            <translation>暂无修改记录。</translation>
        </message>
        <message>
            <location filename="../../ui/text.py" line="108" />
            <source>{name} (workbook)</source>
            <translation>{name}（总表）</translation>
        </message>
    </context>
    <context>
        <name>Dialog</name>
        <message>
            <location filename="../../ui/record_dialog.py" line="65" />
            <source>Edit {what}</source>
            <translation>编辑{what}</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="67" />
            <source>New {what}</source>
            <translation>新建{what}</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="98" />
            <source>Save (Ctrl+S or Enter)</source>
            <translation>保存（Ctrl+S 或回车）</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="184" />
            <source>The record could not be saved; nothing was changed. ({detail})</source>
            <translation>记录未能保存，数据未作任何更改。（{detail}）</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="226" />
            <source>Discard changes?</source>
            <translation>放弃更改？</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="227" />
            <source>What you typed in this {what} is not saved.</source>
            <translation>在此{what}中输入的内容尚未保存。</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="230" />
            <source>&amp;Discard</source>
            <translation>放弃(&amp;D)</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="268" />
            <location filename="../../ui/visit_dialog.py" line="85" />
            <source>Possible duplicate</source>
            <translation>可能重复</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="269" />
            <source>“{name}” looks like an enterprise that already exists: “{existing}”{code}.</source>
            <translation>“{name}”似乎与已有企业重复：“{existing}”{code}。</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="274" />
            <source>Open the existing one</source>
            <translation>打开已有记录</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="275" />
            <source>Save anyway</source>
            <translation>仍然保存</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="291" />
            <source>New project from a lead</source>
            <translation>由线索转为签约项目</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="86" />
            <source>“{name}” looks like an enterprise that already exists: “{existing}”.</source>
            <translation>“{name}”似乎与已有企业重复：“{existing}”。</translation>
        </message>
    </context>
    <context>
        <name>Editor</name>
        <message>
            <location filename="../../ui/editors.py" line="47" />
            <source>e.g. 2024-03-19 or 2024/3/19</source>
            <translation>如 2024-03-19 或 2024年3月19日</translation>
        </message>
        <message>
            <location filename="../../ui/editors.py" line="52" />
            <source>Pick a date (Alt+Down)</source>
            <translation>选择日期（Alt+↓）</translation>
        </message>
        <message>
            <location filename="../../ui/editors.py" line="123" />
            <source>e.g. 5000 or 5,000 (in 10k yuan)</source>
            <translation>如 5000、5000万元、1.2亿</translation>
        </message>
    </context>
    <context>
        <name>Field</name>
        <message>
            <location filename="../../models/fields.py" line="68" />
            <source>Team name</source>
            <translation>工作组名称</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="69" />
            <source>Unit</source>
            <translation>所属单位</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="70" />
            <source>Leader</source>
            <translation>组长</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="81" />
            <source>Enterprise name</source>
            <translation>企业名称</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="82" />
            <source>Credit code</source>
            <translation>统一社会信用代码</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="83" />
            <location filename="../../models/fields.py" line="155" />
            <location filename="../../models/fields.py" line="200" />
            <source>Industry</source>
            <translation>产业类别</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="85" />
            <source>Home region</source>
            <translation>所在区域</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="87" />
            <source>City</source>
            <translation>城市</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="88" />
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="89" />
            <source>Contact person</source>
            <translation>联系人</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="90" />
            <source>Phone</source>
            <translation>联系电话</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="91" />
            <location filename="../../models/fields.py" line="176" />
            <location filename="../../models/fields.py" line="227" />
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="102" />
            <source>Start date</source>
            <translation>出发日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="103" />
            <source>End date</source>
            <translation>返回日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="104" />
            <location filename="../../models/fields.py" line="135" />
            <location filename="../../models/fields.py" line="164" />
            <location filename="../../models/fields.py" line="199" />
            <source>Team</source>
            <translation>工作组</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="107" />
            <source>Destination region</source>
            <translation>目的区域</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="112" />
            <source>Destination city</source>
            <translation>目的城市</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="113" />
            <source>Purpose</source>
            <translation>出访事由</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="114" />
            <source>Participants</source>
            <translation>参加人员</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="125" />
            <source>Date</source>
            <translation>日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="128" />
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="134" />
            <location filename="../../models/fields.py" line="154" />
            <location filename="../../models/fields.py" line="197" />
            <source>Enterprise</source>
            <translation>企业</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="136" />
            <source>Staff</source>
            <translation>走访人员</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="137" />
            <source>Trip</source>
            <translation>出访</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="138" />
            <source>Location</source>
            <translation>地点</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="139" />
            <source>Summary</source>
            <translation>走访内容</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="140" />
            <source>Outcome</source>
            <translation>成效</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="141" />
            <source>Next action</source>
            <translation>下一步工作</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="142" />
            <source>Next action date</source>
            <translation>下一步日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="153" />
            <source>Lead</source>
            <translation>线索名称</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="158" />
            <location filename="../../models/fields.py" line="204" />
            <source>Planned investment (10k yuan)</source>
            <translation>计划投资（万元）</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="162" />
            <source>Source</source>
            <translation>线索来源</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="163" />
            <source>Discovered on</source>
            <translation>获取日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="165" />
            <source>Owner</source>
            <translation>跟进人</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="168" />
            <source>Status</source>
            <translation>线索状态</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="174" />
            <source>Effective</source>
            <translation>是否有效</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="175" />
            <source>Next follow-up</source>
            <translation>下次跟进日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="196" />
            <source>Project name</source>
            <translation>项目名称</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="198" />
            <source>From lead</source>
            <translation>来源线索</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="201" />
            <source>Manufacturing</source>
            <translation>是否制造业</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="210" />
            <source>Actual investment (10k yuan)</source>
            <translation>实际投资（万元）</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="214" />
            <source>Site</source>
            <translation>落户地</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="215" />
            <source>Stage</source>
            <translation>项目阶段</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="216" />
            <source>Signed on</source>
            <translation>签约日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="217" />
            <source>Land supply (planned)</source>
            <translation>计划供地日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="218" />
            <source>Land supply (actual)</source>
            <translation>实际供地日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="219" />
            <source>Construction start (planned)</source>
            <translation>计划动工日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="220" />
            <source>Construction start (actual)</source>
            <translation>实际动工日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="221" />
            <source>Completion (planned)</source>
            <translation>计划竣工日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="222" />
            <source>Completion (actual)</source>
            <translation>实际竣工日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="223" />
            <source>Operation (planned)</source>
            <translation>计划投产日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="224" />
            <source>Operation (actual)</source>
            <translation>实际投产日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="225" />
            <source>Up to standard (planned)</source>
            <translation>计划达产日期</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="226" />
            <source>Up to standard (actual)</source>
            <translation>实际达产日期</translation>
        </message>
    </context>
    <context>
        <name>FirstRun</name>
        <message>
            <location filename="../../ui/first_run.py" line="18" />
            <source>Welcome to Outreach Ledger</source>
            <translation>欢迎使用招商外勤台账</translation>
        </message>
        <message>
            <location filename="../../ui/first_run.py" line="20" />
            <source>Your name is recorded with every change you make, so that head office and sync can show who changed what. Your team is the default for new visits.</source>
            <translation>您的每一次修改都会记录您的姓名，便于局机关和同步时查明由谁修改了什么。您所在的工作组将作为新建走访记录的默认工作组。</translation>
        </message>
        <message>
            <location filename="../../ui/first_run.py" line="32" />
            <source>Type to choose a team (optional)</source>
            <translation>输入名称选择工作组（可不填）</translation>
        </message>
        <message>
            <location filename="../../ui/first_run.py" line="37" />
            <source>Your name *</source>
            <translation>您的姓名 *</translation>
        </message>
        <message>
            <location filename="../../ui/first_run.py" line="38" />
            <source>Your team</source>
            <translation>所在工作组</translation>
        </message>
        <message>
            <location filename="../../ui/first_run.py" line="60" />
            <source>No team is named “{name}”.</source>
            <translation>没有名为“{name}”的工作组。</translation>
        </message>
    </context>
    <context>
        <name>Ledger</name>
        <message>
            <location filename="../../models/fields.py" line="64" />
            <source>Teams</source>
            <translation>工作组</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="65" />
            <source>Team</source>
            <translation>工作组</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="77" />
            <source>Enterprises</source>
            <translation>企业库</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="78" />
            <source>Enterprise</source>
            <translation>企业</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="98" />
            <source>Trips</source>
            <translation>外出招商</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="99" />
            <source>Trip</source>
            <translation>外出招商</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="121" />
            <source>Visits</source>
            <translation>走访记录</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="122" />
            <source>Visit</source>
            <translation>走访记录</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="149" />
            <source>Leads</source>
            <translation>招商线索</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="150" />
            <source>Lead</source>
            <translation>招商线索</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="192" />
            <source>Projects</source>
            <translation>签约项目</translation>
        </message>
        <message>
            <location filename="../../models/fields.py" line="193" />
            <source>Project</source>
            <translation>签约项目</translation>
        </message>
        <message>
            <location filename="../../ui/ledger_model.py" line="488" />
            <source>{name} (deleted)</source>
            <translation>{name}（已删除）</translation>
        </message>
        <message>
            <location filename="../../ui/ledger_model.py" line="492" />
            <source>This record refers to one that was deleted (Ctrl+D shows deleted records).</source>
            <translation>此记录引用的记录已被删除（按 Ctrl+D 查看已删除的记录）。</translation>
        </message>
        <message>
            <location filename="../../ui/ledger_model.py" line="507" />
            <source>Days overdue: {days}</source>
            <translation>逾期天数：{days}</translation>
        </message>
        <message>
            <location filename="../../ui/ledger_model.py" line="513" />
            <source>{milestone}: {days} days overdue</source>
            <translation>{milestone}：已逾期 {days} 天</translation>
        </message>
        <message>
            <location filename="../../ui/ledger_page.py" line="58" />
            <source>Search {ledger}… (Ctrl+F)</source>
            <translation>搜索{ledger}…（Ctrl+F）</translation>
        </message>
        <message>
            <location filename="../../ui/ledger_page.py" line="60" />
            <source>Deleted records</source>
            <translation>已删除的记录</translation>
        </message>
        <message>
            <location filename="../../ui/ledger_page.py" line="245" />
            <source>Records: {count}</source>
            <translation>记录数：{count}</translation>
        </message>
    </context>
    <context>
        <name>Main</name>
        <message>
            <location filename="../../ui/main_window.py" line="53" />
            <source>Outreach Ledger</source>
            <translation>招商外勤台账</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="99" />
            <source>&amp;Log visit…</source>
            <translation>登记走访(&amp;L)…</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="101" />
            <source>&amp;New record…</source>
            <translation>新建记录(&amp;N)…</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="103" />
            <source>&amp;Edit record…</source>
            <translation>编辑记录(&amp;E)…</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="105" />
            <location filename="../../ui/main_window.py" line="419" />
            <source>&amp;Delete</source>
            <translation>删除(&amp;D)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="107" />
            <source>Res&amp;tore</source>
            <translation>恢复(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="110" />
            <source>&amp;Find</source>
            <translation>查找(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="113" />
            <source>Show &amp;deleted records</source>
            <translation>显示已删除的记录(&amp;D)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="116" />
            <source>&amp;Convert lead to project…</source>
            <translation>线索转为签约项目(&amp;C)…</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="119" />
            <source>&amp;Advance to next stage</source>
            <translation>推进到下一阶段(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="121" />
            <source>Fill with &amp;demo data…</source>
            <translation>填充演示数据(&amp;D)…</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="123" />
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="136" />
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="142" />
            <source>&amp;Edit</source>
            <translation>编辑(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="148" />
            <source>&amp;View</source>
            <translation>查看(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="152" />
            <source>&amp;Columns</source>
            <translation>显示列(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="156" />
            <source>&amp;Language</source>
            <translation>界面语言(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="159" />
            <source>Follow the system</source>
            <translation>跟随系统</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="167" />
            <source>&amp;Record</source>
            <translation>记录(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="169" />
            <source>Re&amp;ports</source>
            <translation>报表(&amp;P)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="177" />
            <source>&amp;Sync</source>
            <translation>同步(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="184" />
            <source>Main</source>
            <translation>主工具栏</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="204" />
            <source>User: {user}</source>
            <translation>用户：{user}</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="205" />
            <source>Team: {team}</source>
            <translation>工作组：{team}</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="236" />
            <source>Please wait</source>
            <translation>请稍候</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="237" />
            <source>Background work is still running. Cancel it or wait for it to end.</source>
            <translation>后台任务仍在运行，请取消或等待其完成。</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="257" />
            <source>Language</source>
            <translation>界面语言</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="258" />
            <source>The new language takes effect when you restart Outreach Ledger.</source>
            <translation>新的界面语言将在重新启动招商外勤台账后生效。</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="341" />
            <source>Not yet synced: {count}</source>
            <translation>待同步：{count}</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="396" />
            <source>Nothing was deleted: the database could not be read ({detail}).</source>
            <translation>未删除任何记录：无法读取数据库（{detail}）。</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="403" />
            <source>, </source>
            <translation>，</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="404" />
            <source>{ledger}: {count}</source>
            <translation>{ledger} {count} 条</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="408" />
            <source>Other records refer to “{name}” ({referring}).</source>
            <translation>有其他记录引用“{name}”（{referring}）。</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="412" />
            <source>Other records refer to the {count} records selected ({referring}).</source>
            <translation>有其他记录引用所选的 {count} 条记录（{referring}）。</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="415" />
            <source>They are kept, and show the name marked as deleted. Delete anyway? Ctrl+Z undoes it.</source>
            <translation>这些记录会保留，并把该名称标为已删除。仍要删除吗？按 Ctrl+Z 可撤销。</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="419" />
            <source>Delete a record in use?</source>
            <translation>删除仍被引用的记录？</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="444" />
            <source>Not saved</source>
            <translation>未保存</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="460" />
            <source>Cannot convert the lead</source>
            <translation>无法将线索转为项目</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="473" />
            <source>Project created from the lead.</source>
            <translation>已根据该线索新建签约项目。</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="485" />
            <source>Cannot advance the project</source>
            <translation>无法推进项目阶段</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="539" />
            <source>Fill with demo data</source>
            <translation>填充演示数据</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="540" />
            <source>Add a demo bureau (about 50 teams and four years of trips, visits, leads and projects) to this database? Your own records are kept.</source>
            <translation>是否向此数据库添加一个演示招商局（约 50 个工作组，以及四年的外出招商、走访、线索和项目数据）？您自己的记录将予以保留。</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="545" />
            <source>Add demo data</source>
            <translation>添加演示数据</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="546" />
            <source>Don't add</source>
            <translation>不添加</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="552" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="552" />
            <source>Creating demo data…</source>
            <translation>正在生成演示数据…</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="578" />
            <source>Demo data</source>
            <translation>演示数据</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="579" />
            <source>No demo data was added: {reason}</source>
            <translation>未添加演示数据：{reason}</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="78" />
            <source>Nothing was deleted: the database could not be written ({detail}).</source>
            <translation>未删除任何记录：无法写入数据库（{detail}）。</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="80" />
            <source>Nothing was restored: the database could not be written ({detail}).</source>
            <translation>未恢复任何记录：无法写入数据库（{detail}）。</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="87" />
            <source>Nothing was restored. {problems}</source>
            <translation>未恢复任何记录。{problems}</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="97" />
            <source>Deleted: {count}. Press Ctrl+Z to undo.</source>
            <translation>已删除 {count} 条。按 Ctrl+Z 可撤销。</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="99" />
            <source>Restore undone: {count} deleted again.</source>
            <translation>已撤销恢复，{count} 条重新删除。</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="101" />
            <source>Restored: {count}. Press Ctrl+Z to undo.</source>
            <translation>已恢复 {count} 条。按 Ctrl+Z 可撤销。</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="103" />
            <source>Delete undone: {count} restored.</source>
            <translation>已撤销删除，恢复 {count} 条。</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="111" />
            <source>&amp;Undo</source>
            <translation>撤销(&amp;U)</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="111" />
            <source>&amp;Undo {step}</source>
            <translation>撤销 {step}(&amp;U)</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="111" />
            <source>Undo {step}</source>
            <translation>撤销 {step}</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="112" />
            <source>&amp;Redo</source>
            <translation>重做(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="112" />
            <source>&amp;Redo {step}</source>
            <translation>重做 {step}(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="112" />
            <source>Redo {step}</source>
            <translation>重做 {step}</translation>
        </message>
    </context>
    <context>
        <name>Reason</name>
        <message>
            <location filename="../../models/database.py" line="43" />
            <source>not an SQLite file</source>
            <translation>不是 SQLite 文件</translation>
        </message>
        <message>
            <location filename="../../models/database.py" line="55" />
            <source>it holds another program's tables</source>
            <translation>其中是另一个程序的数据表</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="21" />
            <source>permission denied; it may be open in another program, or read-only</source>
            <translation>没有权限；文件可能正在其他程序中打开，或为只读</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="27" />
            <source>it does not exist; a folder may have been moved, or a network drive disconnected</source>
            <translation>不存在；文件夹可能已被移动，或网络驱动器已断开</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="30" />
            <source>a folder on the way does not exist</source>
            <translation>路径中的某个文件夹不存在</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="31" />
            <source>the disk is full</source>
            <translation>磁盘已满</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="32" />
            <source>the disk is read-only</source>
            <translation>磁盘为只读</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="33" />
            <source>it is in use by another program</source>
            <translation>正被其他程序使用</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="34" />
            <source>it is a folder</source>
            <translation>这是一个文件夹</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="35" />
            <source>the name is too long</source>
            <translation>名称过长</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="36" />
            <source>the disk or network could not be read or written</source>
            <translation>磁盘或网络无法读写</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="40" />
            <source>it is open in {program}: close it there and try again (if nobody has it open, a crash left {file} beside it: delete that file)</source>
            <translation>它正在 {program} 中打开：请在那里关闭后重试（如果没有人打开它，是程序崩溃在旁边留下了 {file}：请删除该文件）</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="70" />
            <source>the file is read-only</source>
            <translation>文件为只读</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="71" />
            <source>another program is writing to it; try again in a moment</source>
            <translation>另一个程序正在写入；请稍后再试</translation>
        </message>
        <message>
            <location filename="../../models/i18n.py" line="77" />
            <source>the file is damaged</source>
            <translation>文件已损坏</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="69" />
            <source>it is not a zip package</source>
            <translation>不是 zip 压缩包</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="70" />
            <source>its zip package holds no workbook part</source>
            <translation>压缩包中没有工作簿部件</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="71" />
            <source>is too large unpacked</source>
            <translation>解压后过大</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="72" />
            <source>declares XML entities</source>
            <translation>声明了 XML 实体</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="73" />
            <source>its zip package is damaged</source>
            <translation>压缩包已损坏</translation>
        </message>
    </context>
    <context>
        <name>Related</name>
        <message>
            <location filename="../../models/store.py" line="145" />
            <location filename="../../models/store.py" line="157" />
            <location filename="../../models/store.py" line="162" />
            <source>Visits</source>
            <translation>走访记录</translation>
        </message>
        <message>
            <location filename="../../models/store.py" line="146" />
            <location filename="../../models/store.py" line="158" />
            <source>Leads</source>
            <translation>招商线索</translation>
        </message>
        <message>
            <location filename="../../models/store.py" line="148" />
            <location filename="../../models/store.py" line="159" />
            <location filename="../../models/store.py" line="165" />
            <source>Projects</source>
            <translation>签约项目</translation>
        </message>
        <message>
            <location filename="../../models/store.py" line="156" />
            <source>Trips</source>
            <translation>外出招商</translation>
        </message>
        <message>
            <location filename="../../ui/detail_pane.py" line="109" />
            <source>the newest {shown} of {total}</source>
            <translation>最新 {shown} 条，共 {total} 条</translation>
        </message>
    </context>
    <context>
        <name>Reports</name>
        <message>
            <location filename="../../ui/reports_controller.py" line="46" />
            <source>&amp;Dashboard</source>
            <translation>工作看板(&amp;D)</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="49" />
            <source>&amp;Period report…</source>
            <translation>阶段工作报表(&amp;P)…</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="51" />
            <source>Team &amp;ranking…</source>
            <translation>工作组排名(&amp;R)…</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="53" />
            <source>&amp;Supervision list…</source>
            <translation>督办清单(&amp;S)…</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="56" />
            <source>&amp;Export this view…</source>
            <translation>导出当前视图(&amp;E)…</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="85" />
            <source>Period (2024, 2024Q1, 2024-03, 2024W12):</source>
            <translation>统计期间（2024、2024Q1、2024-03、2024W12）：</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="96" />
            <source>Excel workbooks (*.xlsx)</source>
            <translation>Excel 工作簿 (*.xlsx)</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="105" />
            <source>{name} already exists. Replace it?</source>
            <translation>{name} 已存在。要替换它吗？</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="106" />
            <source>Replace</source>
            <translation>替换</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="113" />
            <source>Writing {name}…</source>
            <translation>正在生成 {name}…</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="126" />
            <source>Written: {path}</source>
            <translation>已生成：{path}</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="135" />
            <source>{path} was not written: {error}</source>
            <translation>未能生成 {path}：{error}</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="145" />
            <source>Period report</source>
            <translation>阶段工作报表</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="161" />
            <source>Team ranking</source>
            <translation>工作组排名</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="176" />
            <source>Supervision list</source>
            <translation>督办清单</translation>
        </message>
        <message>
            <location filename="../../ui/reports_controller.py" line="191" />
            <source>Export this view</source>
            <translation>导出当前视图</translation>
        </message>
        <message>
            <location filename="../../ui/text.py" line="95" />
            <source>“{text}” is not a period: use 2024, 2024Q1, 2024-03 or 2024W12.</source>
            <translation>“{text}”不是有效的统计期间，请按 2024、2024Q1、2024-03 或 2024W12 的格式输入。</translation>
        </message>
        <message>
            <location filename="../../ui/text.py" line="99" />
            <source>{period} has not begun yet: it starts on {first}.</source>
            <translation>{period} 尚未开始：从 {first} 起。</translation>
        </message>
    </context>
    <context>
        <name>Sync</name>
        <message>
            <location filename="../../sync/engine.py" line="92" />
            <source>A conflicting copy of the workbook sits beside it ({copy}). Merge it by hand and remove it first.</source>
            <translation>总表旁有一份冲突副本（{copy}），请先手工合并并删除该副本。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="96" />
            <source>The workbook is open in {program} ({who}). Nothing was written; close it there and sync again. If nobody has it open, a crash left {file} beside it: delete that file and sync again.</source>
            <translation>总表正在 {program}（{who}）中打开，未写入任何内容；请在那里关闭后重新同步。如果并没有人打开，是程序崩溃后在总表旁留下了 {file}：删除该文件后重新同步。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="101" />
            <source>The workbook is open in {program}. Nothing was written; close it there and sync again. If nobody has it open, a crash left {file} beside it: delete that file and sync again.</source>
            <translation>总表正在 {program} 中打开，未写入任何内容；请在那里关闭后重新同步。如果并没有人打开，是程序崩溃后在总表旁留下了 {file}：删除该文件后重新同步。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="106" />
            <source>The workbook {path} is marked read-only, and this sync has to write to it (changes made here, or the IDs of rows typed there). Nothing was written or taken in: make it writable (or ask whoever marked it) and sync again.</source>
            <translation>总表 {path} 被设为只读，而这次同步需要写入它（本机的更改，或总部手填行的编号）。未写入也未取入任何内容：请取消只读（或请设置只读的人取消）后再同步。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="112" />
            <source>Another sync holds the workbook: {who}. Nothing was written.</source>
            <translation>{who}正在同步总表，未写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="113" />
            <source>An old sync lock of {who} was left on the workbook. Nothing was written; break it to go on.</source>
            <translation>总表上留有{who}的遗留同步锁，未写入任何内容；解除锁定后方可继续。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="116" />
            <source>The workbook kept changing while it was being synced. Nothing was written; sync again later.</source>
            <translation>同步期间总表不断发生变化，未写入任何内容；请稍后重新同步。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="119" />
            <source>The workbook could not be written ({detail}). Nothing was changed.</source>
            <translation>总表无法写入（{detail}），未作任何更改。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="120" />
            <source>The sheet {sheet} has no room for {count} new rows: they go below the last row with anything in it, row {row} ({cells}), which is the sheet's end. The last record is on row {record_row}: clear what is typed in the rows below it and sync again. Nothing was changed.</source>
            <translation>工作表“{sheet}”放不下 {count} 行新记录：新记录要写在最后一行有内容的行之下，而那一行是第 {row} 行（{cells}），已是工作表末尾。最后一条记录在第 {record_row} 行：请清除其下各行中填写的内容后再同步。未做任何更改。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="126" />
            <source>The sheet {sheet} has no room for {count} new rows: its last row, {row}, holds a record, put there below something typed far down the sheet. Move the records at the sheet's end up under the others, clear what is typed between, and sync again. Nothing was changed.</source>
            <translation>工作表“{sheet}”放不下 {count} 行新记录：最后一行（第 {row} 行）已有一条记录，它被写在表格远处误填的内容之下。请把表末的记录移到其他记录下方，清除中间误填的内容后再同步。未做任何更改。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="132" />
            <source>The workbook's folder {folder} cannot be used ({detail}). Nothing was written.</source>
            <translation>无法使用工作簿所在文件夹 {folder}（{detail}）。未写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="135" />
            <source>{file} cannot be used ({detail}). Nothing was written.</source>
            <translation>无法使用 {file}（{detail}）。未写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="136" />
            <source>The workbook {path} could not be replaced by its synced version ({detail}). It is unchanged, and nothing was written here.</source>
            <translation>无法用同步后的版本替换工作簿 {path}（{detail}）。工作簿未改动，本机也未写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="141" />
            <source>The workbook {path} is a version this laptop synced with at {seen}, older than the one it synced with last, at {latest}: was an older copy put back? Syncing it would undo the changes synced to the workbook since then, by head office, other laptops and this one. Nothing was written.</source>
            <translation>总表 {path} 是本机在 {seen} 同步过的版本，比本机最近一次（{latest}）同步的版本旧：是否有人放回了旧副本？同步它会撤销此后同步到总表的修改（无论来自总部、其他电脑还是本机）。未写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="147" />
            <source>it refers to a record that is deleted: restore that record, or choose another one (here or in the workbook)</source>
            <translation>它引用的记录已被删除：请恢复该记录，或改选另一条（在本机或总表中均可）</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="153" />
            <source>This laptop's database {path} could not be read or written ({detail}). Nothing was written.</source>
            <translation>本机数据库 {path} 无法读取或写入（{detail}）。未写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="156" />
            <source>The workbook was synced, but this laptop's database {path} could not record it ({detail}). Sync again once it can: nothing is lost.</source>
            <translation>总表已同步，但本机数据库 {path} 未能记录此次同步（{detail}）。待数据库可写后请再同步一次：数据不会丢失。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="161" />
            <source>the ID beside this name is “{name}”'s, so the record refers to “{name}”: to refer to the record named here, clear the ID cell (the name is then looked up); else put the name back</source>
            <translation>旁边的ID属于“{name}”，所以该记录指向“{name}”：如要指向这里填写的名称，请清空ID单元格（将按名称查找）；否则请把名称改回</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="166" />
            <source>the cell shows an error, not a value (a formula gone wrong?): this laptop's value is kept</source>
            <translation>单元格显示的是错误而不是数值（公式出错？）：保留本机的值</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="169" />
            <source>the cell shows an error, not a value (a formula gone wrong?): left empty here until it is put right</source>
            <translation>单元格显示的是错误而不是数值（公式出错？）：本机暂留空，待更正后再取</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="173" />
            <source>The written copy did not read back as intended ({detail}). Nothing was changed.</source>
            <translation>写入后回读校验不一致（{detail}），未作任何更改。</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="176" />
            <source>the cell shows an error, not a value (a formula gone wrong?), and the row cannot be taken without it: it is taken once the cell is put right</source>
            <translation>单元格显示的是错误而不是数值（公式出错？），缺了它这一行无法取入：待更正后再取</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="181" />
            <source>{reason}; the row was not taken over</source>
            <translation>{reason}；该行未被采用</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="182" />
            <source>Another enterprise (id {other}) has the same name, and one of the two arrived in this sync: if they are one firm entered twice, move its visits, leads and projects to one of them and mark the other deleted</source>
            <translation>另一家企业（编号 {other}）与此同名，且其中一家是本次同步新增的：如果是同一家企业录入了两次，请把它的走访、线索和项目归到其中一家，并将另一家标记为已删除</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="188" />
            <source>the sheet's table ends in a total row, and rows added below it would be outside the table: {count} new records wait here until the total row is turned off (Table Design ▸ Total Row)</source>
            <translation>该工作表的表格以汇总行结尾，在其下方添加的行将不属于表格：{count} 条新记录暂留本机，待关闭汇总行（表设计 ▸ 汇总行）后再写入</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="193" />
            <source>{count} records whose rows are missing from the sheet are not taken as removed while some of its rows have no id of their own (see the sheet's other issues): they may be those rows</source>
            <translation>表中有些行没有自己的记录ID（见该表的其他问题），因此表中找不到行的 {count} 条记录暂不视为已删除：它们可能就是那些行</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="198" />
            <source>the sheet ends in a total row (“{word}”), and rows added below it would be left out of its sums: {count} new records wait here until the total row is moved above the header row, or removed</source>
            <translation>该表最后是合计行（“{word}”），在其下方添加的行不会计入合计：{count} 条新记录先保留在本机，直到合计行移到表头上方或被删除</translation>
        </message>
        <message>
            <location filename="../../sync/engine.py" line="203" />
            <source>the cell holds a formula, which sync never overwrites: this laptop's value {value} waits here until the formula is removed</source>
            <translation>该单元格含公式，同步从不覆盖公式：本机的值 {value} 暂留本机，待公式删除后再写入</translation>
        </message>
        <message>
            <location filename="../../sync/safety.py" line="81" />
            <source>{owner} on {machine} (process {pid}) since {since}</source>
            <translation>{owner}（{machine}，进程 {pid}，自 {since} 起）</translation>
        </message>
        <message>
            <location filename="../../sync/safety.py" line="82" />
            <source>an unknown user (unreadable lock file, last changed {since})</source>
            <translation>未知用户（锁文件无法读取，最后修改于 {since}）</translation>
        </message>
        <message>
            <location filename="../../sync/template.py" line="31" />
            <source>{path} already exists; a new master workbook never replaces an existing file</source>
            <translation>{path} 已存在；新建总表从不替换已有文件</translation>
        </message>
        <message>
            <location filename="../../sync/template.py" line="34" />
            <source>{path} cannot be created: there is no folder {folder}</source>
            <translation>无法创建 {path}：文件夹 {folder} 不存在</translation>
        </message>
        <message>
            <location filename="../../sync/values.py" line="31" />
            <source>not a date</source>
            <translation>不是有效的日期</translation>
        </message>
        <message>
            <location filename="../../sync/values.py" line="32" />
            <source>not an amount</source>
            <translation>不是有效的金额</translation>
        </message>
        <message>
            <location filename="../../sync/values.py" line="33" />
            <source>over 1,000,000,000 万元: in yuan rather than 万元, or a code pasted here?</source>
            <translation>超过 1,000,000,000 万元：是否按“元”填写了，或粘贴了代码？</translation>
        </message>
        <message>
            <location filename="../../sync/values.py" line="36" />
            <source>not yes or no</source>
            <translation>不是“是”或“否”</translation>
        </message>
        <message>
            <location filename="../../sync/values.py" line="37" />
            <source>not one of the allowed values</source>
            <translation>不在可选值范围内</translation>
        </message>
        <message>
            <location filename="../../sync/values.py" line="38" />
            <source>an x can mean yes (ticked) or no (crossed out): write yes or no</source>
            <translation>x 既可能表示“是”（打勾）也可能表示“否”（打叉）：请改填 是 或 否</translation>
        </message>
        <message>
            <location filename="../../sync/values.py" line="39" />
            <source>not a date of 1950 to 2099 (a year typed into a date cell, or a slip of the year?)</source>
            <translation>不是 1950 至 2099 年间的日期（是否在日期单元格中只填了年份，或年份填错了？）</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="65" />
            <source>The workbook {path} does not exist or cannot be reached.</source>
            <translation>总表 {path} 不存在或无法访问。</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="66" />
            <source>The workbook {path} cannot be read: {detail}</source>
            <translation>无法读取总表 {path}：{detail}</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="67" />
            <source>{path} is not an Excel workbook (.xlsx): {detail}</source>
            <translation>{path} 不是 Excel 工作簿（.xlsx）：{detail}</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="68" />
            <source>{path} was refused: part {part} {detail}.</source>
            <translation>已拒绝 {path}：部件 {part} {detail}。</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="74" />
            <source>The workbook {path} has no sheet for {ledger} (expected a sheet named “{en}” or “{zh}”).</source>
            <translation>总表 {path} 中没有{ledger}工作表（应为名为“{en}”或“{zh}”的工作表）。</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="77" />
            <source>Sheet “{sheet}” has no “{en}” / “{zh}” column, so its rows cannot be matched to records.</source>
            <translation>工作表“{sheet}”中没有“{en}”/“{zh}”列，无法将其各行与记录对应。</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="80" />
            <source>Sheet “{sheet}” has no recognisable header row in its first {rows} rows.</source>
            <translation>工作表“{sheet}”的前 {rows} 行中找不到可识别的表头行。</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="84" />
            <source>{reason}</source>
            <translation>{reason}</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="85" />
            <source>the same record id is on row {first} too: neither row is synced (changes here wait) until one of them gets its own id; clear the id of a copied row to make it a new record</source>
            <translation>第 {first} 行也是这个记录ID：在其中一行改用自己的ID之前，两行都不同步（本机的修改先保留在本机）；复制出来的行清空ID即成为新记录</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="90" />
            <source>no record of that name</source>
            <translation>没有该名称的记录</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="91" />
            <source>more than one record has that name</source>
            <translation>有多条记录使用该名称</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="92" />
            <source>no record has that id</source>
            <translation>没有该ID的记录</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="93" />
            <source>not a record status: write 已删除 to delete the record, or leave the cell empty</source>
            <translation>不是有效的记录状态：要删除该记录请填“已删除”，否则请留空</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="96" />
            <source>columns {columns} are both headed as “{en}” / “{zh}”: that field is not synced (changes to it wait here) until one of them is renamed</source>
            <translation>第 {columns} 列的表头都对应“{zh}”（{en}）：该字段暂不同步（本机的修改先保留在本机），直到其中一列改名</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="101" />
            <source>Sheets “{first}” and “{second}” are both named as the “{en}” / “{zh}” ledger. Rename the one that is not the ledger; nothing was synced.</source>
            <translation>工作表“{first}”和“{second}”的名称都对应“{zh}”（{en}）台账。请把不是台账的那张表改名；本次未同步任何内容。</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="106" />
            <source>Sheet “{sheet}” has two record id columns ({first} and {second} in row {row}, headed as “{en}”). Rename the one that is not the ledger's; nothing was synced.</source>
            <translation>工作表“{sheet}”有两列记录ID（第 {row} 行的 {first} 列和 {second} 列，表头为“{en}”）。请把不属于台账的那一列改名；本次未同步任何内容。</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="111" />
            <source>cells {cells} are merged: the ledger's fields in them are not synced on those rows (changes here wait) until the cells are unmerged</source>
            <translation>单元格 {cells} 已合并：这些行中位于合并单元格的台账字段暂不同步（本机的修改先保留在本机），直到取消合并</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="116" />
            <source>the sheet has no “{en}” / “{zh}” column: that field is not synced (changes to it wait here) until the column is back</source>
            <translation>工作表中没有“{en}”/“{zh}”列：该字段暂不同步（本机的修改会保留），直到该列恢复</translation>
        </message>
        <message>
            <location filename="../../sync/workbook_read.py" line="123" />
            <source>the sheet has no “{en}” / “{zh}” column (was it renamed? headers not known here: {unknown}): that field is not synced (changes to it wait here) until the column is back</source>
            <translation>工作表中没有“{en}”/“{zh}”列（是否被改名？本程序不认识的列标题：{unknown}）：该字段暂不同步（本机的修改会保留），直到该列恢复</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="33" />
            <source>Reading {name}…</source>
            <translation>正在读取 {name}…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="34" />
            <source>Comparing its rows with the records on this computer…</source>
            <translation>正在与本机记录逐行比对…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="35" />
            <source>Writing a new copy of {name}…</source>
            <translation>正在写入 {name} 的新副本…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="36" />
            <source>Checking that the new copy reads back as intended…</source>
            <translation>正在核对新副本能否按预期读回…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="37" />
            <source>Saving the changes on this computer…</source>
            <translation>正在保存本机的更改…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="38" />
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="48" />
            <location filename="../../ui/sync_controller.py" line="193" />
            <source>Syncing with {name}…</source>
            <translation>正在与 {name} 同步…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="82" />
            <source>&amp;Sync now</source>
            <translation>立即同步(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="84" />
            <source>Choose &amp;master workbook…</source>
            <translation>选择总表(&amp;M)…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="87" />
            <source>Create a &amp;new master workbook…</source>
            <translation>新建总表(&amp;N)…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="89" />
            <source>&amp;Conflicts…</source>
            <translation>同步冲突(&amp;C)…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="90" />
            <source>Workbook &amp;issues…</source>
            <translation>总表问题(&amp;I)…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="91" />
            <source>Sync &amp;history…</source>
            <translation>同步记录(&amp;H)…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="111" />
            <source>Choose the master workbook</source>
            <translation>选择总表</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="111" />
            <location filename="../../ui/sync_controller.py" line="121" />
            <source>Excel workbooks (*.xlsx)</source>
            <translation>Excel 工作簿 (*.xlsx)</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="121" />
            <source>Create a new master workbook</source>
            <translation>新建总表</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="141" />
            <source>No workbook created</source>
            <translation>未新建总表</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="161" />
            <source>Choose head office's master workbook first, or create a new one.</source>
            <translation>请先选择局机关的总表，或新建一个总表。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="162" />
            <source>Choose…</source>
            <translation>选择…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="163" />
            <source>Create new…</source>
            <translation>新建…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="194" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="237" />
            <source>Sync finished</source>
            <translation>同步完成</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="244" />
            <location filename="../../sync/engine.py" line="208" />
            <source>Sync cancelled. Nothing was written.</source>
            <translation>同步已取消，未写入任何内容。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="259" />
            <source>Old sync lock</source>
            <translation>遗留的同步锁</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="260" />
            <source>Break the lock only if nobody else is syncing right now.</source>
            <translation>请确认此刻没有其他人正在同步，再解除锁定。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="261" />
            <source>Break the lock and sync</source>
            <translation>解除锁定并同步</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="262" />
            <location filename="../../ui/sync_controller.py" line="274" />
            <source>Leave it</source>
            <translation>暂不处理</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="270" />
            <source>An older copy of the workbook</source>
            <translation>总表的旧副本</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="273" />
            <source>Sync it only if head office put this version back on purpose.</source>
            <translation>只有在总部有意放回这个版本时才同步它。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="275" />
            <source>Sync this older copy</source>
            <translation>同步这个旧副本</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="281" />
            <source>Sync not finished</source>
            <translation>同步未完成</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="291" />
            <location filename="../../ui/sync_controller.py" line="283" />
            <source>Nothing was synced</source>
            <translation>未同步任何内容</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="292" />
            <source>Sync stopped with an unexpected error: {error}</source>
            <translation>同步因意外错误而中止：{error}</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="298" />
            <source>Here: {added} added, {updated} updated, {deleted} deleted.</source>
            <translation>本机：新增 {added} 条，更新 {updated} 条，删除 {deleted} 条。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="301" />
            <source>Workbook: {added} added, {updated} updated, {deleted} marked deleted.</source>
            <translation>总表：新增 {added} 条，更新 {updated} 条，标记删除 {deleted} 条。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="307" />
            <source>{count} conflicts wait for you (Sync ▸ Conflicts).</source>
            <translation>有 {count} 处冲突待您处理（同步 ▸ 同步冲突）。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="311" />
            <source>Workbook issues waiting for a person: {count} (Sync ▸ Workbook issues).</source>
            <translation>待人工处理的总表问题：{count} 个（同步 ▸ 总表问题）。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="374" />
            <location filename="../../ui/sync_controller.py" line="160" />
            <source>No master workbook</source>
            <translation>尚未选择总表</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="376" />
            <source>Workbook: checking…</source>
            <translation>总表：正在检查…</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="378" />
            <source>Workbook is not an .xlsx file</source>
            <translation>总表不是 .xlsx 文件</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="380" />
            <source>Workbook reachable</source>
            <translation>总表可访问</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="382" />
            <source>Workbook not found in its folder (moved or deleted?)</source>
            <translation>总表不在原文件夹中（已移动或删除？）</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="384" />
            <source>Workbook not reachable (offline)</source>
            <translation>总表无法访问（离线）</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="388" />
            <source>Last sync: {when}</source>
            <translation>上次同步：{when}</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="389" />
            <source>never</source>
            <translation>从未同步</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="394" />
            <source>Conflicts: {count}</source>
            <translation>冲突：{count}</translation>
        </message>
        <message>
            <location filename="../../ui/sync_controller.py" line="396" />
            <source>Issues: {count}</source>
            <translation>问题：{count}</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="27" />
            <source>Synced</source>
            <translation>已同步</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="28" />
            <source>Synced, with open conflicts or issues</source>
            <translation>已同步，尚有待处理的冲突或问题</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="29" />
            <source>Nothing written</source>
            <translation>未写入</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="70" />
            <source>Finished</source>
            <translation>完成时间</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="71" />
            <source>By</source>
            <translation>操作人</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="72" />
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="73" />
            <source>Added here</source>
            <translation>本机新增</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="74" />
            <source>Updated here</source>
            <translation>本机更新</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="75" />
            <source>Deleted here</source>
            <translation>本机删除</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="76" />
            <source>Added to workbook</source>
            <translation>总表新增</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="77" />
            <source>Updated in workbook</source>
            <translation>总表更新</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="78" />
            <source>Deleted in workbook</source>
            <translation>总表删除</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="79" />
            <source>Conflicts</source>
            <translation>冲突</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="80" />
            <source>Issues</source>
            <translation>问题</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="81" />
            <source>Workbook</source>
            <translation>总表</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="106" />
            <source>Sync history</source>
            <translation>同步记录</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="107" />
            <source>Every sync of this database, newest first.</source>
            <translation>本数据库的每一次同步，最新的在前。</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="135" />
            <source>Ledger</source>
            <translation>台账</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="136" />
            <source>Sheet</source>
            <translation>工作表</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="137" />
            <source>Row</source>
            <translation>行</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="138" />
            <source>Column</source>
            <translation>列</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="139" />
            <source>Header</source>
            <translation>表头</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="140" />
            <source>Value in the workbook</source>
            <translation>总表中的值</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="141" />
            <source>Problem</source>
            <translation>问题</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="158" />
            <source>Workbook issues</source>
            <translation>总表问题</translation>
        </message>
        <message>
            <location filename="../../ui/sync_views.py" line="159" />
            <source>Cells the last sync could not use. They were left in the workbook as typed and the records here were not changed. Fix them in the workbook (or the record here); they clear on the next sync.</source>
            <translation>上次同步无法采用的单元格。这些单元格在总表中保持原样，本机记录也未作更改。请在总表中（或在本机记录中）改正，下次同步后即会消除。</translation>
        </message>
    </context>
    <context>
        <name>Undo</name>
        <message>
            <location filename="../../ui/undo.py" line="37" />
            <source>Delete records ({count})</source>
            <translation>删除记录（{count} 条）</translation>
        </message>
        <message>
            <location filename="../../ui/undo.py" line="39" />
            <source>Restore records ({count})</source>
            <translation>恢复记录（{count} 条）</translation>
        </message>
    </context>
    <context>
        <name>Validation</name>
        <message>
            <location filename="../../models/store.py" line="39" />
            <source>The project has already reached its last stage.</source>
            <translation>该项目已处于最后阶段。</translation>
        </message>
        <message>
            <location filename="../../models/store.py" line="40" />
            <source>This lead has already become the project “{project}”.</source>
            <translation>该线索已转为项目“{project}”。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="41" />
            <source>“{value}” is not in the list of allowed values.</source>
            <translation>“{value}”不在可选值范围内。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="42" />
            <source>The amount cannot be negative.</source>
            <translation>金额不能为负数。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="43" />
            <source>The amount is over {limit} 万元: is it in yuan rather than 万元, or a code pasted here?</source>
            <translation>金额超过 {limit} 万元：是否按“元”填写了，或粘贴了代码？</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="46" />
            <source>“{value}” is not an amount.</source>
            <translation>“{value}”不是有效的金额。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="47" />
            <source>“{value}” is not a date.</source>
            <translation>“{value}”不是有效的日期。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="48" />
            <source>A date here lies between {first} and {last}.</source>
            <translation>此处的日期应在 {first} 年至 {last} 年之间。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="49" />
            <source>Credit code {reason}.</source>
            <translation>统一社会信用代码{reason}。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="50" />
            <source>This date cannot be before {other} ({other_date}).</source>
            <translation>该日期不能早于{other}（{other_date}）。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="51" />
            <source>This text is {length} characters long; a workbook cell holds at most {limit}.</source>
            <translation>该文本有 {length} 个字符，工作簿的一个单元格最多容纳 {limit} 个字符。</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="60" />
            <source>must be 18 characters</source>
            <translation>应为 18 位</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="61" />
            <source>contains a character not allowed in a credit code</source>
            <translation>含有不允许的字符</translation>
        </message>
        <message>
            <location filename="../../models/validation.py" line="62" />
            <source>check digit does not match</source>
            <translation>校验码不符</translation>
        </message>
        <message>
            <location filename="../../ui/first_run.py" line="54" />
            <location filename="../../models/validation.py" line="40" />
            <source>This field is required.</source>
            <translation>此项为必填项。</translation>
        </message>
        <message>
            <location filename="../../ui/record_dialog.py" line="250" />
            <source>No record is named “{value}”. Pick one from the list.</source>
            <translation>没有名为“{value}”的记录，请从列表中选择。</translation>
        </message>
        <message>
            <location filename="../../ui/text.py" line="65" />
            <source>{field}: {problem}</source>
            <translation>{field}：{problem}</translation>
        </message>
    </context>
    <context>
        <name>Value</name>
        <message>
            <location filename="../../ui/text.py" line="127" />
            <source>No</source>
            <translation>否</translation>
        </message>
        <message>
            <location filename="../../ui/text.py" line="127" />
            <source>Yes</source>
            <translation>是</translation>
        </message>
    </context>
    <context>
        <name>Visit</name>
        <message>
            <location filename="../../ui/visit_dialog.py" line="54" />
            <source>No visit logged for this enterprise yet.</source>
            <translation>该企业尚无走访记录。</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="56" />
            <source>Last visited on {date} by {team}{staff}.</source>
            <translation>上次走访：{date}，{team}{staff}。</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="63" />
            <source>New enterprise: “{name}” will be added when you save.</source>
            <translation>新企业：保存时将添加“{name}”。</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="89" />
            <location filename="../../ui/visit_dialog.py" line="123" />
            <source>Use the existing enterprise</source>
            <translation>使用已有企业</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="90" />
            <location filename="../../ui/visit_dialog.py" line="124" />
            <source>Add a new enterprise</source>
            <translation>新增企业</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="107" />
            <source>… and {count} more</source>
            <translation>……另有 {count} 家</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="110" />
            <source>No enterprise is named exactly “{name}”, but this one has it in its name:</source>
            <translation>没有名称恰为“{name}”的企业，但以下企业的名称中含有它：</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="112" />
            <source>No enterprise is named exactly “{name}”, but {count} have it in their names:</source>
            <translation>没有名称恰为“{name}”的企业，但有 {count} 家企业的名称中含有它：</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="115" />
            <source>Did you mean it, or is “{name}” a new enterprise?</source>
            <translation>您指的是这家企业，还是“{name}”是一家新企业？</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="117" />
            <source>Did you mean one of them, or is “{name}” a new enterprise?</source>
            <translation>您指的是其中一家，还是“{name}”是一家新企业？</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="121" />
            <source>Did you mean an existing enterprise?</source>
            <translation>是否指已有企业？</translation>
        </message>
        <message>
            <location filename="../../ui/visit_dialog.py" line="123" />
            <source>Pick one of them</source>
            <translation>从中选择一家</translation>
        </message>
    </context>
</TS>
